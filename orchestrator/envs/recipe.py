"""Environment recipes: parsing, validation and hashing. Pure (no I/O beyond the text given).

A recipe declares one environment exactly, so that the same recipe gives the same environment
on this machine and on a cluster (``envs/recipes/<name>.yaml``)::

    name: mmaction2-fd993ca
    python: "3.7"                 # interpreter version (major.minor)
    layers: [torch-1.4.0-py37]    # other recipes whose site-packages this env sees (a .pth file)
    system: []                    # Debian packages it needs (checked with dpkg)
    steps:                        # in order
      - pip: [numpy==1.19.1, Cython==0.29.21]   # exact pins only; options start with '-'
      - pip: [--no-deps, mmcv==1.0.5]
      - run: envs/build/some_script.sh          # a project script (its bytes are hashed)

The environment's identity is :func:`recipe_hash`: the normalized recipe (key order, YAML
spelling and comments do not matter), the hashes of its layers and the bytes of the scripts its
``run:`` steps name. Changing any of them makes a new environment; nothing is ever updated in
place.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import Dict, Mapping, Optional, Tuple

from orchestrator.spec.yaml_lines import YamlError, load_yaml

RECIPE_KEYS = ("name", "python", "layers", "system", "steps", "notes")
STEP_KINDS = ("pip", "run")
HASH_LENGTH = 12

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PYTHON = re.compile(r"^[23]\.[0-9]+$")
# name[extras]==version: the only requirement form a recipe accepts (a range resolves differently
# on another day, which would make two environments with one hash).
_PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!_-]+$")
# pip options a recipe may pass: only ones that change how, not what, is installed
PIP_OPTIONS = ("--no-deps", "--no-build-isolation", "--no-binary", "--only-binary",
               "--prefer-binary", "--no-use-pep517", "--use-pep517", "--no-cache-dir",
               "--global-option", "--config-settings")
_DEBIAN = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


class RecipeError(ValueError):
    """A recipe that cannot be used; the message is ``file:line: what`` (one line)."""


@dataclasses.dataclass(frozen=True)
class Step:
    """One build step: ``kind`` "pip" (``args``: pip install arguments) or "run" (``args``: the
    project script, relative to the vidbench root)."""

    kind: str
    args: Tuple[str, ...]

    def describe(self) -> str:
        return f"pip install {' '.join(self.args)}" if self.kind == "pip" else f"run {self.args[0]}"


@dataclasses.dataclass(frozen=True)
class Recipe:
    name: str
    python: str
    layers: Tuple[str, ...] = ()
    system: Tuple[str, ...] = ()
    steps: Tuple[Step, ...] = ()
    notes: str = ""
    source: str = ""   # the file it came from (for messages only; not hashed)

    @property
    def run_scripts(self) -> Tuple[str, ...]:
        """Project scripts the ``run:`` steps name (their bytes are part of the hash)."""
        return tuple(s.args[0] for s in self.steps if s.kind == "run")

    def normalized(self) -> dict:
        """What identifies the recipe: every field that changes the environment (not notes)."""
        return {"name": self.name, "python": self.python, "layers": list(self.layers),
                "system": sorted(self.system),
                "steps": [{s.kind: list(s.args)} for s in self.steps]}


def _fail(source: str, line: int, message: str):
    raise RecipeError(f"{source}:{line}: {message}" if line else f"{source}: {message}")


def _str_list(source, node, key) -> Tuple[str, ...]:
    value = node.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        _fail(source, node.line_of(key), f"'{key}' must be a list of strings")
    return tuple(str(v) for v in value)


def _pip_args(source: str, line: int, args: Tuple[str, ...]) -> Tuple[str, ...]:
    if not any(not a.startswith("-") for a in args):
        _fail(source, line, "a pip step needs at least one package (name==version)")
    for arg in args:
        if arg.startswith("-"):
            option = arg.split("=", 1)[0]
            if option not in PIP_OPTIONS:
                _fail(source, line, f"pip option {arg!r} is not allowed (allowed: "
                      f"{', '.join(PIP_OPTIONS)}; give a value as --option=value)")
        elif not _PIN.match(arg):
            _fail(source, line, f"pip requirement {arg!r} is not an exact pin (name==version)")
    return args


def _steps(source: str, node) -> Tuple[Step, ...]:
    value = node.get("steps")
    if value is None:
        return ()
    if not isinstance(value, list):
        _fail(source, node.line_of("steps"), "'steps' must be a list")
    steps = []
    for i, item in enumerate(value):
        line = value.line_of(i)
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in STEP_KINDS:
            _fail(source, line, f"a step is one of {', '.join(k + ': ...' for k in STEP_KINDS)}")
        kind, arg = next(iter(item.items()))
        if kind == "pip":
            if isinstance(arg, str):
                arg = [arg]
            if not isinstance(arg, list) or not all(isinstance(a, str) for a in arg):
                _fail(source, line, "'pip' takes a list of strings")
            steps.append(Step("pip", _pip_args(source, line, tuple(arg))))
        else:
            if not isinstance(arg, str) or not arg or arg.startswith("/") or ".." in arg.split("/"):
                _fail(source, line, "'run' takes one project script, relative to the vidbench root")
            steps.append(Step("run", (arg,)))
    return tuple(steps)


def parse_recipe(text: str, source: str = "<recipe>", expected_name: Optional[str] = None) -> Recipe:
    """Parse one recipe; ``expected_name``: the name its file name gives (must match)."""
    try:
        node = load_yaml(text)
    except YamlError as exc:
        _fail(source, exc.line, str(exc))
    if not isinstance(node, dict):
        _fail(source, 0, "a recipe is a mapping (name, python, layers, system, steps)")
    unknown = [k for k in node if k not in RECIPE_KEYS]
    if unknown:
        _fail(source, node.line_of(unknown[0]),
              f"unknown key {unknown[0]!r} (valid: {', '.join(RECIPE_KEYS)})")
    for key in ("name", "python"):
        if key not in node:
            _fail(source, node.line, f"missing '{key}'")
    name = str(node["name"])
    if not _NAME.match(name):
        _fail(source, node.line_of("name"), f"bad name {name!r} (letters, digits, . _ -)")
    if expected_name is not None and name != expected_name:
        _fail(source, node.line_of("name"), f"name {name!r} differs from its file name {expected_name!r}")
    python = str(node["python"])
    if isinstance(node["python"], float) or not _PYTHON.match(python):
        _fail(source, node.line_of("python"),
              f"'python' must be a quoted major.minor version like \"3.7\", not {node['python']!r}")
    layers = _str_list(source, node, "layers")
    if name in layers:
        _fail(source, node.line_of("layers"), "a recipe cannot be its own layer")
    system = _str_list(source, node, "system")
    for pkg in system:
        if not _DEBIAN.match(pkg):
            _fail(source, node.line_of("system"), f"bad Debian package name {pkg!r}")
    notes = node.get("notes") or ""
    return Recipe(name=name, python=python, layers=layers, system=system,
                  steps=_steps(source, node), notes=str(notes), source=source)


def recipe_hash(recipe: Recipe, layer_hashes: Mapping[str, str],
                script_bytes: Mapping[str, bytes]) -> str:
    """The environment's identity (12 hex digits), see the module docstring.

    ``layer_hashes``: layer name -> its hash; ``script_bytes``: run-step script -> its bytes.
    """
    missing = [n for n in recipe.layers if n not in layer_hashes]
    missing += [s for s in recipe.run_scripts if s not in script_bytes]
    if missing:
        raise KeyError(f"{recipe.name}: no hash for {', '.join(missing)}")
    h = hashlib.sha256()
    h.update(json.dumps(recipe.normalized(), sort_keys=True, separators=(",", ":")).encode())
    for layer in recipe.layers:
        h.update(f"\0layer:{layer}={layer_hashes[layer]}".encode())
    for script in recipe.run_scripts:
        h.update(f"\0script:{script}:".encode() + hashlib.sha256(script_bytes[script]).digest())
    return h.hexdigest()[:HASH_LENGTH]


def layer_order(recipes: Mapping[str, Recipe], name: str, source: str = "") -> Tuple[str, ...]:
    """``name`` and everything it layers on, dependencies first; RecipeError for a cycle or
    an unknown layer."""
    order: list = []
    visiting: Dict[str, bool] = {}

    def visit(n: str, via: str):
        if n in order:
            return
        if n not in recipes:
            raise RecipeError(f"{via}: unknown recipe {n!r} (known: {', '.join(sorted(recipes))})")
        if visiting.get(n):
            raise RecipeError(f"{recipes[n].source}: layers form a cycle through {n!r}")
        visiting[n] = True
        for layer in recipes[n].layers:
            visit(layer, recipes[n].source or n)
            if recipes[layer].python != recipes[n].python:
                raise RecipeError(f"{recipes[n].source}: layer {layer!r} is Python "
                                  f"{recipes[layer].python}, {n!r} is {recipes[n].python}")
        visiting[n] = False
        order.append(n)

    visit(name, source or name)
    return tuple(order)
