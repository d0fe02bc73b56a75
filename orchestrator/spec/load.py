"""Loading a spec: ``jobs/*.yaml`` read and validated into a Spec, every error pointing at its
``file:line`` (SpecError). Pure: no git, no Slurm, no environment lookups.
"""
from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path
from typing import Any, Mapping, Optional

from orchestrator.results import layouts
from orchestrator.spec import guards
from orchestrator.spec.yaml_lines import LineDict, LineList, YamlError, load_yaml
from parsers.frameworks import FRAMEWORKS
from orchestrator.spec.schema import (TABLES, STATUSES, LAUNCHERS, SHA_RE, VAR_RE, NAME_RE,
                                      BUILTIN_VARIABLES, TOP_KEYS, SETTING_KEYS, COMPAT_MODES,
                                      FRAMEWORK_KEYS, CELL_KEYS, CELL_FIELDS, ENTRY_KEYS,
                                      STAGE_KEYS, ENVIRONMENT_KEYS, ITERATION_KEYS, RESOURCE_KEYS,
                                      PUBLISHED_KEYS, VARIABLE_KEYS, SpecError, Environment,
                                      Iterations, Resources, Source, Settings, Framework, StageSpec,
                                      Entry, Cell, Variable, Spec, _plain)


class _Ctx:
    """File name for error messages."""

    def __init__(self, path: str):
        self.path = path

    def error(self, line: int, message: str) -> SpecError:
        return SpecError(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")


def load_spec(path) -> Spec:
    """Read and validate a spec file; raises SpecError("file:line: message")."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such spec file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None
    return parse_spec(text, path)


def parse_spec(text: str, path: str = "<spec>") -> Spec:
    """Validate spec text (pure); ``path`` only names the file in errors."""
    ctx = _Ctx(path)
    try:
        doc = load_yaml(text)
    except YamlError as exc:
        raise ctx.error(exc.line, str(exc)) from None
    if not isinstance(doc, LineDict):
        raise ctx.error(getattr(doc, "line", 1) or 1,
                        f"a spec is a mapping with keys {_keys(TOP_KEYS)}")
    for key in [k for k in doc if isinstance(k, str) and k.startswith("x-")]:
        del doc[key]    # `x-...`: free blocks holding YAML anchors (&name) for reuse
    _check_keys(ctx, doc, TOP_KEYS, "the spec")
    table = _require(ctx, doc, "table", str, "the spec")
    if table not in TABLES:
        raise ctx.error(doc.line_of("table"), f"table {table!r} is not one of {_keys(TABLES)}")
    variables = _variables(ctx, doc.get("variables"), doc.line_of("variables"))
    defaults = _mapping(ctx, doc.get("defaults", LineDict()), doc.line_of("defaults"), "defaults")
    _check_keys(ctx, defaults, SETTING_KEYS, "defaults")
    base = _settings(ctx, defaults, Settings())
    frameworks = _frameworks(ctx, doc, base, table)
    cells_node = doc.get("cells")
    if not isinstance(cells_node, LineList) or not cells_node:
        raise ctx.error(doc.line_of("cells"), "cells: a non-empty list of table rows is required")
    cells = []
    for i, raw in enumerate(cells_node):
        cells.extend(_cells(ctx, raw, cells_node.line_of(i), frameworks, variables))
    seen = {}
    for cell in cells:
        if cell.key in seen:
            raise ctx.error(cell.line, f"two cells are both named {cell.key!r} (the other at line "
                                       f"{seen[cell.key]}): give one an `id:`")
        seen[cell.key] = cell.line
    return Spec(path=path, table=table, title=_text(ctx, doc, "title") or table,
                description=_text(ctx, doc, "description"), frameworks=frameworks,
                cells=tuple(cells), variables=variables)


def _keys(keys) -> str:
    return ", ".join(keys)


def _check_keys(ctx, node: LineDict, valid, where: str):
    for key in node:
        if key not in valid:
            raise ctx.error(node.line_of(key),
                            f"unknown key {key!r} in {where}; valid keys: {_keys(valid)}")


def _mapping(ctx, value, line, where) -> LineDict:
    if value is None:
        return LineDict()
    if not isinstance(value, LineDict):
        raise ctx.error(getattr(value, "line", line) or line, f"{where} must be a mapping")
    return value


def _require(ctx, node: LineDict, key: str, kind, where: str):
    if key not in node or node[key] is None:
        raise ctx.error(node.line, f"{where} needs `{key}:`")
    return _typed(ctx, node, key, kind)


def _typed(ctx, node: LineDict, key: str, kind):
    value = node[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if kind is int and isinstance(value, bool) or not isinstance(value, kinds):
        names = " or ".join(k.__name__ for k in kinds).replace("str", "text").replace(
            "int", "an integer").replace("float", "a number")
        raise ctx.error(node.line_of(key), f"`{key}` must be {names}, not {value!r}")
    return value


def _text(ctx, node: LineDict, key: str, one_line: bool = False) -> str:
    """An optional text value ("" when absent): a list or mapping is refused, not printed as
    Python's repr; ``one_line``: no control character (labels become table headers)."""
    value = node.get(key)
    if value is None:
        return ""
    if isinstance(value, (LineDict, LineList)):
        raise ctx.error(node.line_of(key), f"`{key}` must be text, not a "
                                           f"{'mapping' if isinstance(value, dict) else 'list'}")
    text = str(value)
    bad = guards.control_problem(text) if one_line else None
    if bad:
        raise ctx.error(node.line_of(key), f"`{key}` must be one line of text; it holds {bad}")
    return text


def _bounded(ctx, node: LineDict, key: str, value: int, high: int, what: str) -> int:
    if value > high:
        raise ctx.error(node.line_of(key), f"{what} must be at most {high}, not {value!r}")
    return value


def _str_list(ctx, node: LineDict, key: str) -> tuple:
    value = node[key]
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, LineList) or not all(isinstance(v, (str, int, float)) and
                                                  not isinstance(v, bool) for v in value):
        raise ctx.error(node.line_of(key), f"`{key}` must be a list of text items")
    return tuple(str(v) for v in value)


def _str_map(ctx, node: LineDict, key: str) -> dict:
    value = _mapping(ctx, node[key], node.line_of(key), f"`{key}`")
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or isinstance(v, (LineDict, LineList)) or v is None:
            raise ctx.error(value.line_of(k), f"`{key}` maps names to text values")
        if key == "env" and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k):
            raise ctx.error(value.line_of(k), f"env: {k!r} is not an environment variable name "
                                              f"(letters, digits, _; not starting with a digit)")
        out[k] = str(v)
    return out


def _variables(ctx, node, line) -> dict:
    node = _mapping(ctx, node, line, "variables")
    out = {}
    for name, value in node.items():
        vline = node.line_of(name)
        if not isinstance(name, str) or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            raise ctx.error(vline, f"variable name {name!r} must be UPPER_CASE letters, digits, _")
        if name in BUILTIN_VARIABLES:
            raise ctx.error(vline, f"variable {name} is built in; choose another name")
        if isinstance(value, LineDict):
            _check_keys(ctx, value, VARIABLE_KEYS, f"variable {name}")
            default = value.get("default")
            help_ = str(value.get("help") or "")
        else:
            default, help_ = value, ""
        if isinstance(default, (LineDict, LineList)):
            raise ctx.error(vline, f"variable {name}: the default must be text")
        out[name] = Variable(name, None if default is None else str(default), help_, vline)
    return out


def _time_limit(ctx, node: LineDict, key: str) -> int:
    value = node[key]
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return _bounded(ctx, node, key, value, guards.MAX_TIME_LIMIT_MIN, f"`{key}` (minutes)")
    if isinstance(value, str):
        m = re.fullmatch(r"(?:(\d{1,6})-)?(\d{1,6}):(\d\d)(?::(\d\d))?", value.strip())
        if m:
            days, hours, minutes, seconds = (int(g or 0) for g in m.groups())
            total = days * 1440 + hours * 60 + minutes + (1 if seconds else 0)
            if total > 0:
                return _bounded(ctx, node, key, total, guards.MAX_TIME_LIMIT_MIN,
                                f"`{key}` (minutes)")
    raise ctx.error(node.line_of(key), f"`{key}` must be minutes (an integer) or "
                                       f"'[D-]HH:MM[:SS]', not {value!r}")


def _settings(ctx, node: LineDict, base: Settings) -> Settings:
    changes = {}
    if "launcher" in node:
        launcher = _typed(ctx, node, "launcher", str)
        if launcher not in LAUNCHERS:
            raise ctx.error(node.line_of("launcher"),
                            f"launcher {launcher!r} is not one of {_keys(LAUNCHERS)}")
        changes["launcher"] = launcher
    if "environment" in node:
        env = _mapping(ctx, node["environment"], node.line_of("environment"), "environment")
        _check_keys(ctx, env, ENVIRONMENT_KEYS, "environment")
        fields = dataclasses.asdict(base.environment)
        for key in ("recipe", "setup", "python", "container", "notes"):
            if key in env:
                fields[key] = None if env[key] is None else str(_typed(ctx, env, key,
                                                                      (str, int, float)))
        if "libraries" in env:
            fields["libraries"] = {**base.environment.libraries, **_str_map(ctx, env, "libraries")}
        changes["environment"] = Environment(**fields)
    if "env" in node:
        changes["env"] = {**base.env, **_str_map(ctx, node, "env")}
    if "log_globs" in node:
        changes["log_globs"] = _str_list(ctx, node, "log_globs")
        _check_globs(ctx, node, "log_globs", changes["log_globs"])
    if "time_limit" in node:
        changes["time_limit_min"] = _time_limit(ctx, node, "time_limit")
    if "iterations" in node:
        it = _mapping(ctx, node["iterations"], node.line_of("iterations"), "iterations")
        _check_keys(ctx, it, ITERATION_KEYS, "iterations")
        fields = dataclasses.asdict(base.iterations)
        for key in ("warmup", "measured", "expected", "max_iters"):
            if key in it:
                fields[key] = _typed(ctx, it, key, int)
                if fields[key] < (1 if key != "warmup" else 0):
                    raise ctx.error(it.line_of(key), f"iterations.{key} must be positive")
                _bounded(ctx, it, key, fields[key], guards.MAX_ITERATIONS, f"iterations.{key}")
        if "stop" in it:
            fields["stop"] = str(_typed(ctx, it, "stop", str))
        if fields["expected"] is not None and fields["expected"] < fields["warmup"] + \
                fields["measured"]:
            raise ctx.error(it.line, f"iterations.expected ({fields['expected']}) is fewer than "
                                     f"warmup + measured ({fields['warmup'] + fields['measured']})")
        changes["iterations"] = Iterations(**fields)
    if "resources" in node:
        res = _mapping(ctx, node["resources"], node.line_of("resources"), "resources")
        _check_keys(ctx, res, RESOURCE_KEYS, "resources")
        fields = dataclasses.asdict(base.resources)
        for key in RESOURCE_KEYS:
            if key in res:
                fields[key] = None if res[key] is None else _typed(ctx, res, key, int)
                if fields[key] is not None and fields[key] < 1:
                    raise ctx.error(res.line_of(key), f"resources.{key} must be positive")
                if fields[key] is not None:
                    _bounded(ctx, res, key, fields[key], guards.MAX_RESOURCE[key],
                             f"resources.{key}")
        if fields["gpus_per_node"] is None:
            raise ctx.error(res.line_of("gpus_per_node"), "resources.gpus_per_node is required")
        changes["resources"] = Resources(**fields)
    if "outputs" in node:
        changes["outputs"] = _str_list(ctx, node, "outputs")
        _check_globs(ctx, node, "outputs", changes["outputs"])
    if "workdir" in node:
        changes["workdir"] = None if node["workdir"] is None else _typed(ctx, node, "workdir", str)
        if changes["workdir"] is not None:
            _check_globs(ctx, node, "workdir", [changes["workdir"]])
    if "probe" in node:
        changes["probe"] = _typed(ctx, node, "probe", bool)
    if "compat_mode" in node:
        mode = node["compat_mode"]
        if mode is not None and mode not in COMPAT_MODES:
            raise ctx.error(node.line_of("compat_mode"),
                            f"compat_mode {mode!r} is not one of {_keys(COMPAT_MODES)} (or null)")
        changes["compat_mode"] = mode
    return dataclasses.replace(base, **changes)


def _check_globs(ctx, node, key, globs):
    """Paths as written (a `${VAR}` may still change them: expand() checks the final text)."""
    for g in globs:
        problem = guards.confinement_problem(g)
        if problem:
            raise ctx.error(node.line_of(key), f"{key} {g!r} {problem}; it must stay inside the "
                                               f"job's working directory (relative, no '..')")


def _frameworks(ctx, doc: LineDict, base: Settings, table: str) -> dict:
    node = _mapping(ctx, doc.get("frameworks"), doc.line_of("frameworks"), "frameworks")
    if not node:
        raise ctx.error(doc.line_of("frameworks"), "frameworks: at least one framework is needed")
    out = {}
    for name, fw in node.items():
        line = node.line_of(name)
        if not layouts.LAYOUTS[table].extra_frameworks and name not in FRAMEWORKS:
            raise ctx.error(line, f"unknown framework {name!r}; valid names (parser modules): "
                                  f"{_keys(FRAMEWORKS)}")
        if not isinstance(name, str) or not NAME_RE.fullmatch(name):
            raise ctx.error(line, f"framework name {name!r} must be lower case letters, digits, "
                                  f"'.', '_' or '-'")
        fw = _mapping(ctx, fw, line, f"framework {name}")
        _check_keys(ctx, fw, FRAMEWORK_KEYS, f"framework {name}")
        source = _source(ctx, fw, name)
        out[name] = Framework(name=name, label=_text(ctx, fw, "label", one_line=True) or name,
                              source=source,
                              settings=_settings(ctx, fw, base), line=line)
    return out


def _source(ctx, fw: LineDict, name: str) -> Source:
    vals = {k: _typed(ctx, fw, k, str) if fw.get(k) is not None else None
            for k in ("repo", "commit", "bundle", "package")}
    for k, v in vals.items():   # written into command.sh's comments and git's arguments
        bad = guards.control_problem(v) if v is not None else None
        if bad:
            raise ctx.error(fw.line_of(k), f"framework {name}: `{k}` holds {bad}")
    if vals["package"] and (vals["repo"] or vals["commit"]):
        raise ctx.error(fw.line_of("package"), f"framework {name}: give either `package:` or "
                                               f"`repo:` + `commit:`, not both")
    if vals["package"]:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9_,.-]+\])?==[A-Za-z0-9.+!_-]+",
                            vals["package"]):
            raise ctx.error(fw.line_of("package"), f"framework {name}: `package:` must pin one "
                                                   f"version, like 'mmaction2==1.2.0'")
        return Source(package=vals["package"])
    if not vals["repo"] and not vals["bundle"]:
        raise ctx.error(fw.line, f"framework {name} needs `repo:` (URL or local path) and "
                                 f"`commit:`, or `package:` (name==version)")
    if not vals["commit"]:
        raise ctx.error(fw.line, f"framework {name} needs `commit:` (the full 40-hex pinned "
                                 f"commit)")
    if not SHA_RE.fullmatch(vals["commit"]):
        raise ctx.error(fw.line_of("commit"), f"framework {name}: commit {vals['commit']!r} must "
                                              f"be the full 40-hex hash (lower case)")
    return Source(repo=vals["repo"], commit=vals["commit"], bundle=vals["bundle"])


def _slug(text) -> str:
    s = str(text).lower().replace("+", "plus")
    s = re.sub(r"[()\[\]{}]", "", s)
    s = re.sub(r"[^a-z0-9.]+", "-", s)
    s = re.sub(r"\.{2,}", ".", s).strip("-.")
    return s or "x"


def _cells(ctx, raw, line, frameworks, variables) -> list:
    node = _mapping(ctx, raw, line, "a cell")
    _check_keys(ctx, node, CELL_KEYS, "a cell")
    combos = _combinations(ctx, node)
    out = []
    for combo in combos:
        values = {}
        for key in CELL_FIELDS:
            if key in combo:
                values[key] = combo[key]
            elif key in node:
                values[key] = _substitute_value(node[key], combo)
            else:
                raise ctx.error(node.line, f"a cell needs `{key}:` (cell keys: {_keys(CELL_KEYS)})")
        for key in ("model", "input", "io_backend"):
            if not isinstance(values[key], str) or not values[key].strip():
                raise ctx.error(node.line_of(key), f"`{key}` must be text (the page's label)")
        for key, high in (("batch_per_gpu", guards.MAX_BATCH_PER_GPU), ("gpus", guards.MAX_GPUS)):
            v = values[key]
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ctx.error(node.line_of(key), f"`{key}` must be a positive integer, not {v!r}")
            _bounded(ctx, node, key, v, high, f"`{key}`")
        extra = _key_variables(node, combo)
        key = node.get("id")
        if key is not None:
            key = _slug(_substitute_value(str(key), combo))
        else:
            key = "--".join([_slug(values["model"]), _slug(values["input"])] +
                            [f"{_slug(k)}-{_slug(combo[k])}" for k in extra])
        entries_node = _mapping(ctx, node.get("entries"), node.line_of("entries"), "entries")
        entries = {}
        for fname in entries_node:
            if fname not in frameworks:
                raise ctx.error(entries_node.line_of(fname),
                                f"entry {fname!r} is not a framework of this spec; valid: "
                                f"{_keys(frameworks)}")
        for fname, fw in frameworks.items():
            if fname not in entries_node:
                raise ctx.error(entries_node.line or node.line,
                                f"cell {values['model']} / {values['input']} has no entry for "
                                f"{fname} (every column needs one: status run, todo or "
                                f"unsupported)")
            entries[fname] = _entry(ctx, entries_node[fname], entries_node.line_of(fname), fw,
                                    combo, variables)
        link_text = node.get("link_text")
        if link_text is not None and not isinstance(link_text, str):
            raise ctx.error(node.line_of("link_text"), "`link_text` must be text (the words the page links)")
        out.append(Cell(key=key, entries=entries, link=node.get("link"), link_text=link_text,
                        notes=str(node.get("notes") or ""), matrix_values=dict(combo),
                        line=node.line, **values))
    return out


def _key_variables(node: LineDict, combo) -> list:
    """Matrix/zip variables that name a cell besides its model and input: every ``matrix:``
    variable; of ``zip:``, its cell fields, or all its variables when it has no cell field."""
    matrix = list(node.get("matrix") or {})
    zipped = list(node.get("zip") or {})
    zip_fields = [k for k in zipped if k in CELL_FIELDS]
    keep = matrix + (zip_fields if zip_fields else zipped)
    return [k for k in combo if k in keep and k not in ("model", "input")]


def _combinations(ctx, node: LineDict) -> list:
    """``matrix:`` (every combination of its lists) x ``zip:`` (its lists side by side)."""
    axes = []
    if "matrix" in node:
        m = _mapping(ctx, node["matrix"], node.line_of("matrix"), "matrix")
        for k, v in m.items():
            if not isinstance(v, LineList) or not v:
                raise ctx.error(m.line_of(k), f"matrix.{k} must be a non-empty list")
            axes.append([{k: _plain(x)} for x in v])
    if "zip" in node:
        z = _mapping(ctx, node["zip"], node.line_of("zip"), "zip")
        lengths = set()
        for k, v in z.items():
            if not isinstance(v, LineList) or not v:
                raise ctx.error(z.line_of(k), f"zip.{k} must be a non-empty list")
            lengths.add(len(v))
        if len(lengths) > 1:
            raise ctx.error(z.line, f"the lists of zip: must have the same length, not "
                                    f"{sorted(lengths)}")
        if z:
            axes.append([{k: _plain(z[k][i]) for k in z} for i in range(lengths.pop())])
    for axis in axes:
        for k in axis[0]:
            if not isinstance(k, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k):
                raise ctx.error(node.line, f"matrix/zip variable {k!r} must be a plain name")
    names = [k for axis in axes for k in axis[0]]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ctx.error(node.line, f"matrix/zip variable(s) {_keys(sorted(dup))} given twice")
    return [dict(kv for part in combo for kv in part.items())
            for combo in itertools.product(*axes)] if axes else [{}]


def _substitute_value(value, combo: Mapping[str, Any]):
    """Replace ``${var}`` of matrix/zip variables; a string that is just ``${var}`` takes the
    variable's value with its type (so numbers stay numbers)."""
    if isinstance(value, str):
        m = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", value)
        if m and m.group(1) in combo:
            return combo[m.group(1)]

        def repl(mm):
            if mm.group(0) == "$$" or mm.group(1) not in combo:
                return mm.group(0)
            return str(combo[mm.group(1)])
        return VAR_RE.sub(repl, value)
    if isinstance(value, LineDict):
        out = LineDict((k, _substitute_value(v, combo)) for k, v in value.items())
        out.line, out.key_lines = value.line, value.key_lines
        return out
    if isinstance(value, LineList):
        out = LineList(_substitute_value(v, combo) for v in value)
        out.line, out.item_lines = value.line, value.item_lines
        return out
    return value


def _entry(ctx, raw, line, fw: Framework, combo, variables) -> Entry:
    node = _substitute_value(_mapping(ctx, raw, line, f"entry {fw.name}"), combo)
    _check_keys(ctx, node, ENTRY_KEYS, f"entry {fw.name}")
    status = _require(ctx, node, "status", str, f"entry {fw.name}")
    if status not in STATUSES:
        raise ctx.error(node.line_of("status"), f"status {status!r} is not one of "
                                                f"{_keys(STATUSES)}")
    reason = str(node.get("reason") or "")
    if status == "unsupported":
        if not reason:
            raise ctx.error(node.line, f"entry {fw.name}: an unsupported entry needs `reason:`")
        other = [k for k in ("command", "stages", "published") if node.get(k) is not None]
        if other:
            raise ctx.error(node.line_of(other[0]), f"entry {fw.name}: an unsupported entry has "
                                                    f"no `{other[0]}:`")
        return Entry(framework=fw.name, status=status, reason=reason,
                     notes=str(node.get("notes") or ""), line=node.line)
    settings = _settings(ctx, node, fw.settings)
    known = set(BUILTIN_VARIABLES) | set(variables) | set(combo)
    stages = _stages(ctx, node, fw, known, settings)
    published = _published(ctx, node, [s.name for s in stages])
    if status == "todo" and published is not None:
        raise ctx.error(node.line_of("published"), f"entry {fw.name}: a todo entry has no "
                                                   f"published figure (the page says TODO)")
    return Entry(framework=fw.name, status=status, reason=reason, published=published,
                 stages=stages, settings=settings, notes=str(node.get("notes") or ""),
                 line=node.line)


def _stages(ctx, node: LineDict, fw: Framework, known, settings: Settings) -> tuple:
    has_cmd, has_stages = node.get("command") is not None, node.get("stages") is not None
    if has_cmd == has_stages:
        raise ctx.error(node.line, f"entry {fw.name}: give `command:` (one stage) or `stages:` "
                                   f"(a list of {{{_keys(STAGE_KEYS)}}}), exactly one of them")
    raws = [(node, node.line)] if has_cmd else None
    if has_stages:
        lst = node["stages"]
        if not isinstance(lst, LineList) or not lst:
            raise ctx.error(node.line_of("stages"), "stages: must be a non-empty list")
        raws = [(_mapping(ctx, s, lst.line_of(i), "a stage"), lst.line_of(i))
                for i, s in enumerate(lst)]
    out = []
    for st, line in raws:
        if has_stages:
            _check_keys(ctx, st, STAGE_KEYS, "a stage")
            name = _require(ctx, st, "name", str, "a stage")
            if not NAME_RE.fullmatch(name.lower()):
                raise ctx.error(st.line_of("name"), f"stage name {name!r} must be letters, "
                                                    f"digits, '.', '_' or '-'")
        else:
            name = ""
        if st.get("command") is None:
            raise ctx.error(line, f"stage {name!r} needs `command:`")
        command = _str_list(ctx, st, "command")
        if not command or not command[0]:
            raise ctx.error(st.line_of("command"), "command must not be empty")
        globs = _str_list(ctx, st, "log_globs") if st is not node and "log_globs" in st \
            else settings.log_globs
        _check_globs(ctx, st, "log_globs", globs)
        env = {**settings.env, **(_str_map(ctx, st, "env") if st is not node and "env" in st
                                  else {})}
        stdout = st.get("stdout")
        if stdout is not None:
            stdout = str(_typed(ctx, st, "stdout", str))
            _check_globs(ctx, st, "stdout", [stdout])
        configs = _str_list(ctx, st, "configs") if st.get("configs") is not None else ()
        page = st.get("page_command")
        for key, texts in (("command", command), ("log_globs", globs), ("env", env.values()),
                           ("stdout", [stdout] if stdout else [])):
            for text in texts:
                for m in VAR_RE.finditer(text):
                    if m.group(1) and m.group(1) not in known:
                        raise ctx.error(st.line_of(key) if key in st else line,
                                        f"unknown variable ${{{m.group(1)}}}; known: "
                                        f"{_keys(sorted(known))} (declare others under "
                                        f"`variables:`, write $$ for a literal $)")
        out.append(StageSpec(name=name, command=command, page_command=None if page is None
                             else str(page), configs=configs, log_globs=globs, env=env,
                             stdout=stdout, line=line))
    names = [s.name for s in out]
    if len(set(n.lower() for n in names)) != len(names):
        raise ctx.error(node.line_of("stages"), f"stage names must be unique: {names}")
    return tuple(out)


def _published(ctx, node: LineDict, stage_names) -> Optional[dict]:
    if node.get("published") is None:
        return None
    pub = _mapping(ctx, node["published"], node.line_of("published"), "published")

    def figures(m: LineDict, where) -> dict:
        _check_keys(ctx, m, PUBLISHED_KEYS, where)
        out = {}
        for key in ("s_per_iter", "mem_gb"):
            v = m.get(key)
            problem = None if v is None else guards.number_problem(v, low=0)
            if problem:     # NaN, inf, 0 and negatives: the report divides by these figures
                raise ctx.error(m.line_of(key), f"{where}.{key} must be a positive finite "
                                                f"number: {problem}")
            out[key] = None if v is None else float(v)
        if m.get("link") is not None:
            out["link"] = str(m["link"])
        if out["s_per_iter"] is None:
            raise ctx.error(m.line, f"{where} needs `s_per_iter:`")
        return out

    staged = [n for n in stage_names if n]
    if staged and all(k in stage_names for k in pub):
        missing = [n for n in staged if n not in pub]
        if missing:
            raise ctx.error(pub.line, f"published: no figures for stage(s) {_keys(missing)}")
        return {n: figures(_mapping(ctx, pub[n], pub.line_of(n), f"published.{n}"),
                           f"published.{n}") for n in staged}
    if staged:
        raise ctx.error(pub.line, f"published: give figures per stage ({_keys(staged)}), each "
                                  f"with keys {_keys(PUBLISHED_KEYS)}")
    return figures(pub, "published")
