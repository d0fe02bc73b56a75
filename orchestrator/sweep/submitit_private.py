"""The few private parts of submitit that vidbench uses, in one place, for submitit 1.5.x only.

Why private calls at all: submitit's public API pickles one call per job and writes one sbatch
per ``submit`` (or one pickle per task in ``batch``); a sweep of 1000 jobs would then write 1000
pickles. vidbench submits one pickle per array (orchestrator.sweep.executors.SlurmExecutor) and prints
the exact sbatch script on ``--dry-run``, which needs submitit's script writer, its delayed
call and its submit step. Those are not part of submitit's promise, so every use is here and
refused (a clear error naming the version) where another submitit is installed: a changed
private function must fail loudly, not submit something else.
"""
from __future__ import annotations

from pathlib import Path

from orchestrator.errors import UserError

SUPPORTED = "1.5"   # the submitit minor version whose private API this module calls


def check_version() -> None:
    """UserError unless the installed submitit is 1.5.x (requirements.txt pins 1.5.4)."""
    import submitit
    version = str(getattr(submitit, "__version__", "unknown"))
    if version.split(".")[:2] != SUPPORTED.split("."):
        raise UserError(f"submitit {version} is installed, but vidbench calls private parts of "
                        f"submitit {SUPPORTED}.x (orchestrator/sweep/submitit_private.py): install "
                        f"submitit==1.5.4 (requirements.txt)")


def sbatch_string(command: str, folder: Path, params: dict) -> str:
    """The sbatch script submitit writes for ``command`` with these executor parameters."""
    check_version()
    from submitit.slurm.slurm import _make_sbatch_string
    return _make_sbatch_string(command=command, folder=str(folder), **params)


def dump_call(path: Path, fn, *args, timeout_min: int, max_num_timeout: int) -> None:
    """Pickle ``fn(*args)`` as submitit's runner expects to find it (a DelayedSubmission)."""
    check_version()
    from submitit.core.utils import DelayedSubmission
    delayed = DelayedSubmission(fn, *args)
    delayed.set_timeout(timeout_min, max_num_timeout)
    delayed.dump(path)


def submit_prepared(executor):
    """Run sbatch for an executor whose pickle is already in its folder (dump_call); returns
    submitit's Job (its ``job_id``: the array's id for an array)."""
    check_version()
    return executor._submit_command(executor._submitit_command_str)


def set_array_size(executor, n: int) -> None:
    """Make the executor's next sbatch an array of ``n`` tasks (what submitit's own ``batch()``
    sets, in its internal ``map_count`` parameter)."""
    check_version()
    executor.parameters["map_count"] = n
