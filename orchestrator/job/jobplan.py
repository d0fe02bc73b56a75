"""From an expanded Job to what its Slurm or local job runs: ``command.sh`` and ``plan.json``.

Why a generated script: the job's command must be exactly reproducible by hand (``bash
command.sh STAGE`` re-runs a stage), and spec text (commands, paths, variables) must never reach
a shell unquoted. Every value from the spec is passed through :func:`shlex.quote` here, once,
or, in a comment, through :func:`orchestrator.spec.guards.comment_text` (a newline there would end the
comment and run the rest); the job runner then only ever runs ``["bash", "command.sh", STAGE]``
as an argv list.

Pure: no I/O, the caller passes the checkout path and writes the files.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from orchestrator.spec.guards import comment_text
from orchestrator.sweep.sweepdir import stage_dir_name

ENVINFO_SCRIPT = Path(__file__).resolve().parent / "envinfo.py"
ENV_NAME_OK = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class PlanContext:
    """What the plan needs besides the job: where it runs and how it is launched."""

    executor: str                    # "slurm" | "local"
    vidbench_root: Path              # setup scripts are relative to it
    job_dir: Path
    checkout: Optional[Path]         # None for a `package:` source
    probe: bool = True
    # the built environment of the job's recipe: EnvRef(recipe, hash, path), resolved when the
    # job is planned (orchestrator.envs.build.EnvStore); None for a job without a recipe
    env_ref: Optional["EnvRef"] = None


@dataclass(frozen=True)
class EnvRef:
    """A recipe's environment as command.sh activates it: an absolute folder, never a recipe."""

    recipe: str
    hash: str
    path: Path


def q(value) -> str:
    return shlex.quote(str(value))


def working_dir(job, ctx: PlanContext) -> Path:
    """The checkout (or the job's own work/ folder for a package), joined with job.workdir."""
    if ctx.checkout is not None:
        base = Path(ctx.checkout)
    elif job.workdir:
        base = Path(ctx.vidbench_root)
    else:
        return Path(ctx.job_dir) / "work"
    return (base / job.workdir) if job.workdir else base


def launch_prefix(job, executor: str) -> list:
    """srun arguments that start the framework's processes inside the allocation, or []."""
    if executor != "slurm":
        return []
    if job.launcher == "per_gpu_task":
        # one task per GPU, as MMAction2's slurm_train.sh (the framework reads SLURM_PROCID)
        return ["srun", "--kill-on-bad-exit=1", f"--nodes={job.nodes}",
                f"--ntasks={job.nodes * job.tasks_per_node}",
                f"--ntasks-per-node={job.tasks_per_node}"]
    if job.nodes > 1:   # one process per node, each using all the node's GPUs
        return ["srun", "--kill-on-bad-exit=1", f"--nodes={job.nodes}", f"--ntasks={job.nodes}",
                "--ntasks-per-node=1"]
    return []


def _env_lines(env: dict, indent: str = "") -> list:
    lines = []
    for k, v in env.items():
        if not k or not set(k) <= ENV_NAME_OK or k[0].isdigit():
            raise ValueError(f"environment variable name {k!r} is not a plain name")
        lines.append(f"{indent}export {k}={q(v)}")
    return lines


def environment_lines(job, ctx: PlanContext) -> list:
    """Body of the script's ``vidbench_setup`` function: the framework's environment.

    Exactly one environment is activated, by ``vidbench_env`` (envs/_common.sh): the user's own
    (``VIDBENCH_ACTIVATE``, ``VIDBENCH_CONDA_ENV``) when set, else the recipe's built folder,
    exported here as an absolute path. The setup script calls ``vidbench_env``; without one,
    _common.sh is sourced and called here.
    """
    env = job.environment
    root = Path(ctx.vidbench_root)
    lines = []
    ref = ctx.env_ref
    if ref is not None:
        lines += [f"  # environment: recipe {ref.recipe} (envs/recipes/{ref.recipe}.yaml, hash "
                  f"{ref.hash}), unless VIDBENCH_ACTIVATE or VIDBENCH_CONDA_ENV names your own",
                  f"  export VIDBENCH_ENV_RECIPE={q(ref.recipe)} VIDBENCH_ENV_HASH={q(ref.hash)}",
                  f"  export VIDBENCH_ENV_PATH={q(ref.path)}"]
    if env.setup:
        setup = Path(env.setup)
        if not setup.is_absolute():
            setup = root / setup
        lines += [f"  # setup: {env.setup} (replace it per cluster)".replace("\n", " "),
                  f"  source {q(setup)}"]
    elif ref is not None:
        lines += [f"  source {q(root / 'envs' / '_common.sh')}", "  vidbench_env"]
    return lines or ["  :"]


def container_prefix(job) -> list:
    if not job.environment.container:
        return []
    return ["${VIDBENCH_CONTAINER_RUNTIME:-apptainer}", "exec", "--nv",
            q(job.environment.container)]


def render_command_sh(job, ctx: PlanContext) -> str:
    """The job's command.sh (bash): ``bash command.sh STAGE`` or ``--envinfo FILE``."""
    cwd = working_dir(job, ctx)
    stages = [stage_dir_name(s.name) for s in job.stages]
    src = job.source
    where = f"{src.repo} @ {src.commit}" if src.repo else (src.package or "-")
    lines = [
        "#!/usr/bin/env bash",
        f"# vidbench job {job.name}: exactly what runs, generated (every spec value shell-quoted).",
        f"# framework {job.framework} from {comment_text(where)}",
        f"# usage: bash command.sh STAGE        (STAGE: {' | '.join(stages)})",
        "#        bash command.sh --envinfo FILE  (record the environment the stages see)",
        "set -eo pipefail",
        f"mkdir -p -- {q(cwd)}" if ctx.checkout is None else f"test -d {q(cwd)}",
        f"cd -- {q(cwd)}",
        "vidbench_setup() {   # sourced after the stage's variables are exported",
    ]
    lines += environment_lines(job, ctx)
    lines.append("}")
    container = container_prefix(job)
    runner = " ".join(container)
    envinfo = (f"{runner} " if runner else "") + '"$py"' + f" {q(ENVINFO_SCRIPT)} --out \"$2\""
    lines += [
        'case "${1:-}" in',
        "  --envinfo)",
        "    vidbench_setup",
        '    py=$(command -v python || command -v python3)',
        f"    exec {envinfo} ;;",
    ]
    prefix = launch_prefix(job, ctx.executor)
    for stage in job.stages:
        argv = [q(a) for a in prefix] + container + [q(a) for a in stage.command]
        lines.append(f"  {q(stage_dir_name(stage.name))})")
        lines += _env_lines(dict(stage.env), indent="    ")
        lines.append("    vidbench_setup")
        lines.append(f"    exec {' '.join(argv)} ;;")
    lines += [
        "  *)",
        f"    echo \"command.sh: unknown stage '${{1:-}}' (stages: {' '.join(stages)})\" >&2",
        "    exit 2 ;;",
        "esac",
        "",
    ]
    return "\n".join(lines)


def render_plan(job, ctx: PlanContext) -> dict:
    """plan.json: what the job runner needs, besides command.sh."""
    return {
        "job": job.name,
        "executor": ctx.executor,
        "cwd": str(working_dir(job, ctx)),
        "checkout": str(ctx.checkout) if ctx.checkout else None,
        "repo": job.source.repo,
        "commit": job.source.commit,
        "package": job.source.package,
        "time_limit_s": int(job.time_limit_min) * 60,
        "probe": bool(ctx.probe),
        "compat_mode": getattr(job, "compat_mode", None),
        "outputs": list(getattr(job, "outputs", ()) or ()),
        "max_iters": getattr(job.iterations, "max_iters", None),
        "launcher": job.launcher,
        "stages": [{
            "name": s.name,
            "dir": stage_dir_name(s.name),
            "command": list(s.command),
            "shell_command": " ".join(q(a) for a in launch_prefix(job, ctx.executor)
                                      + list(s.command)),
            "log_globs": list(s.log_globs),
            "stdout": s.stdout,
        } for s in job.stages],
    }


def initial_manifest(job, ctx: PlanContext) -> dict:
    """manifest.json as written before submission (status PENDING); the job fills in the rest."""
    c = job.cell
    plan = render_plan(job, ctx)
    return {
        "job": job.name, "table": job.table, "model": c.model, "input": c.input,
        "io_backend": c.io_backend, "batch_per_gpu": c.batch_per_gpu, "gpus": c.gpus,
        "framework": job.framework, "repeat": job.repeat, "spec_status": job.status,
        "repo": job.source.repo, "commit": job.source.commit, "package": job.source.package,
        "command": {st["dir"]: st["shell_command"] for st in plan["stages"]},
        "cwd": plan["cwd"], "host": None, "slurm_job_id": None, "gpu_name": None,
        "driver": None, "cuda": None, "python": None, "libraries": {},
        "started": None, "finished": None, "exit_status": None, "status": "PENDING",
        "reason": None, "executor": ctx.executor, "attempt": None,
        "stages": [{"name": st["name"], "command": st["shell_command"], "started": None,
                    "finished": None, "exit_status": None, "log_files": [],
                    "probe_dir": None} for st in plan["stages"]],
        "compat_mode": getattr(job, "compat_mode", None),
        # the environment planned (the job replaces it by the one that ran: envinfo)
        "environment": planned_environment(ctx),
    }


def planned_environment(ctx: PlanContext) -> Optional[dict]:
    """manifest ``environment`` before the job ran: the recipe's env, python and freeze unknown."""
    ref = ctx.env_ref
    if ref is None:
        return None
    return {"recipe": ref.recipe, "hash": ref.hash, "path": str(ref.path), "python": None,
            "pip_freeze": None}
