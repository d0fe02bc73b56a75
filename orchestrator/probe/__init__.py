"""``python -m orchestrator probe --out DIR -- COMMAND ...``: time an unmodified training from inside.

Why: the frameworks log different things (a window mean, one iteration, nothing), so vidbench
measures every one the same way. The probe is a ``sitecustomize`` (``inject/``) that Python loads at
start-up in every interpreter that inherits the environment; it marks each optimizer step (or each
TensorFlow training ``Session.run``) and writes ``DIR/probe-<host>-<pid>.jsonl`` (docs/DESIGN.md
section 4; the marker rules are in ``inject/_vidbench_probe.py``).

This module only builds the environment (:func:`probe_env`, also used by the orchestrator for
every job) and replaces itself with the command (``exec``), so the command keeps this process's
pid, signals and exit status exactly.
"""
import argparse
import os
import pathlib
import shutil
import sys

from orchestrator.errors import UserError

INJECT_DIR = pathlib.Path(__file__).resolve().with_name("inject")
ENV_DIR = "VIDBENCH_PROBE_DIR"
ENV_CPU_COMPAT = "VIDBENCH_CPU_COMPAT"
COMMAND_NOT_FOUND = 127   # as a shell, env or timeout would exit


def probe_env(out_dir, base_env=None, cpu_compat=False) -> dict:
    """The environment that runs a command with the probe on (``base_env`` defaults to ours).

    The injected folder goes first on ``PYTHONPATH`` (the command's own entries follow, unchanged),
    ``VIDBENCH_PROBE_DIR`` is the absolute ``out_dir``, and ``VIDBENCH_CPU_COMPAT=1`` is set when
    ``cpu_compat``. Pure: nothing is created; the probe creates ``out_dir`` when it first writes.
    """
    env = dict(os.environ if base_env is None else base_env)
    env[ENV_DIR] = os.path.abspath(os.fspath(out_dir))
    env["PYTHONPATH"] = with_inject_path(env.get("PYTHONPATH", ""))
    if cpu_compat:
        env[ENV_CPU_COMPAT] = "1"
    return env


def compat_env(base_env=None) -> dict:
    """The environment for CPU compatibility mode without the probe (``make demo`` can use it)."""
    env = dict(os.environ if base_env is None else base_env)
    env["PYTHONPATH"] = with_inject_path(env.get("PYTHONPATH", ""))
    env[ENV_CPU_COMPAT] = "1"
    return env


def with_inject_path(pythonpath: str) -> str:
    inject = str(INJECT_DIR)
    if not pythonpath:
        return inject
    if pythonpath.split(os.pathsep)[0] == inject:
        return pythonpath
    return inject + os.pathsep + pythonpath


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "probe",
        help="run a training command with the timing probe injected",
        description=(
            "Run an unmodified training COMMAND with the vidbench timing probe injected into every "
            "Python process it starts. Each process that steps an optimizer (or runs a TensorFlow "
            "training op) writes one JSON line per iteration to DIR/probe-<host>-<pid>.jsonl. "
            "Exits with COMMAND's exit status (127 when COMMAND is not found)."
        ),
        epilog="example: python -m orchestrator probe --out probe/ -- python train.py cfg.py",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the probe records (created)")
    p.add_argument("--cpu-compat", action="store_true",
                   help="CPU compatibility mode: .cuda() is a no-op, torch.cuda.is_available() is "
                        "False, so CUDA-only PyTorch code runs on the CPU (labelled in the records)")
    p.add_argument("command", nargs=argparse.REMAINDER, metavar="-- COMMAND [ARGS...]",
                   help="the training command, after --")
    p.set_defaults(func=run)


def run(args) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UserError("probe: no command given; usage: python -m orchestrator probe --out DIR -- COMMAND [ARGS...]", 2)
    out = pathlib.Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"probe: --out {out}: exists and is not a folder; give a folder for the records")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"probe: --out {out}: cannot create it ({exc.strerror}); give a writable folder")
    if shutil.which(command[0]) is None:
        raise UserError(f"probe: command not found: {command[0]}", COMMAND_NOT_FOUND)
    env = probe_env(out, cpu_compat=args.cpu_compat)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(command[0], command, env)
    return 0  # not reached
