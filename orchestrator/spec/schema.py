"""The sweep spec's schema: the keys a spec may hold, the dataclasses a loaded spec is made
of (Spec, Framework, Cell, Entry, ...) and those of its expansion (Job, Stage), and SpecError.

A spec describes one published table: its rows (cells: model, input, IO backend, batch per
GPU x GPUs), and for each framework column, either the framework's own training command at a
pinned commit, or why it cannot run (``x`` on the page). Everything here is pure: no git, no
Slurm, no environment lookups (the caller passes variables in), so the whole benchmark
definition is testable without a cluster. The file format is documented in docs/DESIGN.md §2
and in the comments at the top of jobs/recognition.yaml.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from orchestrator.errors import UserError
from orchestrator.results import layouts


TABLES = layouts.TABLES    # the tables a spec may describe: their layouts are declared there
STATUSES = ("run", "unsupported", "todo")
LAUNCHERS = ("per_gpu_task", "per_node")
SHA_RE = re.compile(r"^[0-9a-f]{40}$")
VAR_RE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# variables every job provides; spec variables (``variables:``) and matrix variables add to them
BUILTIN_VARIABLES = ("JOB_NAME", "TABLE", "FRAMEWORK", "MODEL", "INPUT", "IO_BACKEND",
                     "BATCH_PER_GPU", "GPUS", "TOTAL_BATCH", "REPEAT", "STAGE")

TOP_KEYS = ("table", "title", "description", "variables", "defaults", "frameworks", "cells")
# settings a framework gives for all its entries, which an entry (or ``defaults``) may also set
SETTING_KEYS = ("launcher", "environment", "env", "log_globs", "time_limit", "iterations",
                "resources", "workdir", "outputs", "probe", "compat_mode")
COMPAT_MODES = ("cpu",)     # orchestrator.probe's CPU compatibility layer (`.cuda()` a no-op)
FRAMEWORK_KEYS = ("label", "repo", "commit", "bundle", "package") + SETTING_KEYS
CELL_KEYS = ("id", "model", "input", "io_backend", "batch_per_gpu", "gpus", "link", "link_text",
             "notes", "matrix", "zip", "entries")
CELL_FIELDS = ("model", "input", "io_backend", "batch_per_gpu", "gpus")
ENTRY_KEYS = ("status", "reason", "published", "command", "stages", "page_command", "configs",
              "stdout", "notes") + SETTING_KEYS
STAGE_KEYS = ("name", "command", "page_command", "configs", "log_globs", "env", "stdout")
ENVIRONMENT_KEYS = ("recipe", "setup", "python", "libraries", "container", "notes")
ITERATION_KEYS = ("warmup", "measured", "expected", "max_iters", "stop")
RESOURCE_KEYS = ("gpus_per_node", "cpus_per_task", "mem_gb")
PUBLISHED_KEYS = ("s_per_iter", "mem_gb", "link")
VARIABLE_KEYS = ("default", "help")


class SpecError(UserError):
    """A mistake in a sweep spec; the message starts with ``file:line:``."""


# --------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class Environment:
    """What a framework needs to run: a recipe vidbench builds, and a setup script the user may
    replace.

    ``recipe`` names ``envs/recipes/<recipe>.yaml``: the environment vidbench builds (once per
    recipe hash) and ``command.sh`` activates, unless the user points the job at their own with
    ``VIDBENCH_ACTIVATE`` or ``VIDBENCH_CONDA_ENV`` (envs/_common.sh). ``setup`` is a bash script
    (path relative to the vidbench root, e.g. ``envs/pyslowfast.sh``) that the job sources before
    the command; ``container`` names an image to run the command in. ``python`` and
    ``libraries`` document the versions (the manifest records the ones that ran).
    """

    recipe: Optional[str] = None
    setup: Optional[str] = None
    python: Optional[str] = None
    libraries: Mapping[str, str] = field(default_factory=dict)
    container: Optional[str] = None
    notes: str = ""


@dataclass(frozen=True)
class Iterations:
    """How many iterations a launch runs and how the command is made to stop."""

    warmup: int = 50
    measured: int = 200
    expected: Optional[int] = None   # iterations the command runs, where known
    max_iters: Optional[int] = None  # where the command cannot stop itself in time: end it after
                                     # this many iterations (counted by the probe); else None
    stop: str = ""                   # how: e.g. "SOLVER.MAX_EPOCH 1 (~3750 iterations)"


@dataclass(frozen=True)
class Resources:
    gpus_per_node: int = 8
    cpus_per_task: Optional[int] = None
    mem_gb: Optional[int] = None


@dataclass(frozen=True)
class Source:
    """Where the framework's code comes from: a git repository at a pinned commit, or a pip
    package at a pinned version (``package: mmaction2==1.2.0``; demo table)."""

    repo: Optional[str] = None      # URL or local path (a git repository)
    commit: Optional[str] = None    # full 40-hex commit
    bundle: Optional[str] = None    # file name of a git bundle (in ../shared/frameworks) or a path
    package: Optional[str] = None   # pip requirement with ==version


@dataclass(frozen=True)
class Settings:
    launcher: str = "per_node"
    environment: Environment = Environment()
    env: Mapping[str, str] = field(default_factory=dict)
    log_globs: tuple = ()
    time_limit_min: int = 60
    iterations: Iterations = Iterations()
    resources: Resources = Resources()
    workdir: Optional[str] = None
    outputs: tuple = ()     # paths (relative to the working dir) the framework/setup writes
    probe: bool = True      # run under the timing probe (orchestrator.probe)
    compat_mode: Optional[str] = None   # "cpu": unmodified GPU code on the CPU, figures labelled


@dataclass(frozen=True)
class Framework:
    name: str
    label: str
    source: Source
    settings: Settings
    line: int = 0


@dataclass(frozen=True)
class StageSpec:
    """One command of an entry, before variables are resolved (BSN: TEM and PEM)."""

    name: str
    command: tuple
    page_command: Optional[str] = None
    configs: tuple = ()
    log_globs: tuple = ()
    env: Mapping[str, str] = field(default_factory=dict)
    stdout: Optional[str] = None
    line: int = 0


@dataclass(frozen=True)
class Entry:
    """One framework column of one cell."""

    framework: str
    status: str
    reason: str = ""
    published: Optional[Mapping[str, Any]] = None
    stages: tuple = ()              # tuple[StageSpec]
    settings: Settings = Settings()
    notes: str = ""
    line: int = 0


@dataclass(frozen=True)
class Cell:
    """One row of the published table."""

    key: str                        # filesystem-safe, unique in the spec
    model: str
    input: str
    io_backend: str
    batch_per_gpu: int
    gpus: int
    entries: Mapping[str, Entry] = field(default_factory=dict)
    link: Optional[str] = None
    link_text: Optional[str] = None   # the page links these words after the model: "BSN ([TEM + PEM + PGM](link))"
    notes: str = ""
    matrix_values: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Variable:
    name: str
    default: Optional[str] = None
    help: str = ""
    line: int = 0


@dataclass(frozen=True)
class Spec:
    path: str
    table: str
    title: str
    description: str
    frameworks: Mapping[str, Framework]
    cells: tuple                    # tuple[Cell], page order
    variables: Mapping[str, Variable] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    """A resolved command of a job: argv (never a shell string), where its logs land."""

    name: str
    command: tuple
    log_globs: tuple = ()
    env: Mapping[str, str] = field(default_factory=dict)
    stdout: Optional[str] = None
    page_command: Optional[str] = None


@dataclass(frozen=True)
class Job:
    """One launch: a cell x framework x repeat, with everything resolved."""

    name: str
    table: str
    framework: str
    repeat: int
    cell: Cell
    entry: Entry
    stages: tuple                   # tuple[Stage]
    status: str                     # "run" or "todo"
    source: Source
    launcher: str
    nodes: int
    gpus_per_node: int
    tasks_per_node: int
    cpus_per_task: Optional[int]
    mem_gb: Optional[int]
    time_limit_min: int
    environment: Environment
    iterations: Iterations
    workdir: Optional[str]
    spec_path: str
    outputs: tuple = ()             # untracked paths checkout.verify allows (allow_untracked)
    probe: bool = True              # run under the timing probe
    compat_mode: Optional[str] = None   # "cpu": CPU compatibility mode (labelled in every output)

    # convenience views used by the orchestrator and the manifest
    @property
    def repo(self):
        return self.source.repo

    @property
    def commit(self):
        return self.source.commit

    def to_dict(self) -> dict:
        """JSON-ready view (``job.json`` of the sweep folder)."""
        c = self.cell
        return {
            "name": self.name, "table": self.table, "framework": self.framework,
            "repeat": self.repeat, "status": self.status,
            "model": c.model, "input": c.input, "io_backend": c.io_backend,
            "batch_per_gpu": c.batch_per_gpu, "gpus": c.gpus, "cell": c.key,
            "published": _plain(self.entry.published),
            "source": dataclasses.asdict(self.source),
            "launcher": self.launcher, "nodes": self.nodes, "gpus_per_node": self.gpus_per_node,
            "tasks_per_node": self.tasks_per_node, "cpus_per_task": self.cpus_per_task,
            "mem_gb": self.mem_gb, "time_limit_min": self.time_limit_min,
            "environment": _plain(dataclasses.asdict(self.environment)),
            "iterations": dataclasses.asdict(self.iterations),
            "workdir": self.workdir, "spec_path": self.spec_path, "outputs": list(self.outputs),
            "probe": self.probe, "compat_mode": self.compat_mode,
            "stages": [_plain(dataclasses.asdict(s)) for s in self.stages],
        }


def _plain(value):
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
