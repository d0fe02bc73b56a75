"""Expansion of a loaded Spec into Jobs (names, variables, stages, resources), and the lists
derived from a spec (its config paths, its unsupported entries). Pure.
"""
from __future__ import annotations

import fnmatch
from typing import Mapping, Optional

from orchestrator.errors import UserError
from orchestrator.spec import guards
from orchestrator.spec.schema import (VAR_RE, NAME_RE, SpecError, Framework, Entry, Cell, Spec,
                                      Stage, Job)


def expand(spec: Spec, repeats: int = 1, only=None,
           variables: Optional[Mapping[str, str]] = None) -> list:
    """Jobs of a spec, in page order (cell, then framework column, then repeat). Pure.

    ``only``: a pattern or list of patterns (or one comma-separated string) matched against job
    names, case-insensitively; shell-style globs (``*tsn*mmaction2*``), or a substring where the
    pattern has no ``*?[``. ``variables``: values for the spec's ``variables:`` (the caller
    passes the environment updated with ``--set NAME=VALUE``); a variable without a value
    there takes the spec's default. Unsupported entries make no job.
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise UserError(f"repeats must be a positive integer, not {repeats!r}")
    if repeats > guards.MAX_REPEATS:
        raise UserError(f"repeats must be at most {guards.MAX_REPEATS}, not {repeats}")
    values = _variable_values(spec, variables or {})
    patterns = _patterns(only)
    if only is not None and not patterns:
        raise UserError(f"--only {only!r} gives no pattern: name the jobs (a glob or a "
                        f"substring, comma-separated), or leave --only out for every job")
    jobs, seen = [], {}
    for cell in spec.cells:
        for fname, entry in cell.entries.items():
            if entry.status == "unsupported":
                continue
            for r in range(repeats):
                name = f"{spec.table}--{cell.key}--{fname}--r{r}"
                if patterns and not any(_match(p, name) for p in patterns):
                    continue
                if name in seen or not NAME_RE.fullmatch(name) or len(name) > 200:
                    raise SpecError(f"{spec.path}:{cell.line}: job name {name!r} is not unique "
                                    f"or not filesystem-safe; set the cell's `id:`")
                seen[name] = True
                jobs.append(_job(spec, cell, spec.frameworks[fname], entry, r, name, values))
    return jobs


def _patterns(only) -> list:
    if only is None:
        return []
    if isinstance(only, str):
        only = [only]
    return [p.strip().lower() for item in only for p in str(item).split(",") if p.strip()]


def _match(pattern: str, name: str) -> bool:
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(name.lower(), pattern)
    return pattern in name.lower()


def _variable_values(spec: Spec, given: Mapping[str, str]) -> dict:
    out = {}
    for name, var in spec.variables.items():
        if given.get(name) not in (None, ""):
            out[name] = str(given[name])
        elif var.default is not None:
            out[name] = var.default
        else:
            raise SpecError(f"{spec.path}:{var.line}: variable {name} has no value: set it with "
                            f"--set {name}=VALUE or export {name}=VALUE"
                            + (f" ({var.help})" if var.help else ""))
    return out


def _resolve(text: str, values: Mapping[str, str]) -> str:
    return VAR_RE.sub(lambda m: "$" if m.group(0) == "$$" else values[m.group(1)], text)


def _job(spec, cell: Cell, fw: Framework, entry: Entry, repeat: int, name: str, values) -> Job:
    s = entry.settings
    gpn = s.resources.gpus_per_node
    nodes = max(1, -(-cell.gpus // gpn))
    per_node_gpus = min(cell.gpus, gpn)
    tasks_per_node = per_node_gpus if s.launcher == "per_gpu_task" else 1
    base = {**values, **{k: str(v) for k, v in cell.matrix_values.items()},
            "JOB_NAME": name, "TABLE": spec.table, "FRAMEWORK": fw.name, "MODEL": cell.model,
            "INPUT": cell.input, "IO_BACKEND": cell.io_backend,
            "BATCH_PER_GPU": str(cell.batch_per_gpu), "GPUS": str(cell.gpus),
            "TOTAL_BATCH": str(cell.batch_per_gpu * cell.gpus), "REPEAT": str(repeat)}
    stages = []
    for st in entry.stages:
        vals = {**base, "STAGE": st.name}
        stages.append(Stage(
            name=st.name, command=tuple(_resolve(a, vals) for a in st.command),
            log_globs=tuple(_resolve(g, vals) for g in st.log_globs),
            env={k: _resolve(v, vals) for k, v in st.env.items()},
            stdout=_resolve(st.stdout, vals) if st.stdout else None,
            page_command=st.page_command))
        done = stages[-1]
        _check_final_paths(spec, st.line or entry.line,
                           [("log_globs", g) for g in done.log_globs] +
                           ([("stdout", done.stdout)] if done.stdout else []))
    workdir = _resolve(s.workdir, base) if s.workdir else None
    outputs = tuple(_resolve(o, base) for o in s.outputs)
    _check_final_paths(spec, entry.line, [("outputs", o) for o in outputs] +
                       ([("workdir", workdir)] if workdir else []))
    return Job(name=name, table=spec.table, framework=fw.name, repeat=repeat, cell=cell,
               entry=entry, stages=tuple(stages), status=entry.status, source=fw.source,
               launcher=s.launcher, nodes=nodes, gpus_per_node=per_node_gpus,
               tasks_per_node=tasks_per_node, cpus_per_task=s.resources.cpus_per_task,
               mem_gb=s.resources.mem_gb, time_limit_min=s.time_limit_min,
               environment=s.environment, iterations=s.iterations,
               workdir=workdir, spec_path=spec.path, outputs=outputs,
               probe=s.probe, compat_mode=s.compat_mode)


def _check_final_paths(spec: Spec, line: int, items) -> None:
    """Paths after ``${VAR}`` substitution (spec defaults, ``--set``, the environment): a value
    like ``../../x`` must not take a write or a glob outside the job's working dir."""
    for key, value in items:
        problem = guards.confinement_problem(value)
        if problem:
            raise SpecError(f"{spec.path}:{line}: {key} resolves to {value!r}, which {problem}; "
                            f"check the variables it uses (--set, environment, defaults)")


def config_paths(spec: Spec) -> list:
    """(framework, stage, path) of every file an entry says must exist in its pinned tree."""
    return [(fname, st.name, path) for cell in spec.cells
            for fname, entry in cell.entries.items() for st in entry.stages
            for path in st.configs]


def unsupported(spec: Spec) -> list:
    """(cell, framework, reason) of the page's ``x`` cells, which make no job."""
    return [(cell, fname, e.reason) for cell in spec.cells for fname, e in cell.entries.items()
            if e.status == "unsupported"]
