"""Executors: how prepared jobs reach Slurm (an array per group of alike jobs) or this machine.

Why small classes over submitit: submitit already does the careful parts (sbatch scripts,
pickled calls, job arrays, its runner inside the job); these classes only translate a vidbench
Job into submitit parameters, submit groups of jobs as arrays (one ``sbatch`` and one pickle for
many jobs: a 100-job sweep costs about what one ``sbatch --array`` costs), and ask the scheduler
what became of a job id later, from any process (``squeue`` for live jobs, ``sacct`` for ended
ones).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from orchestrator.sweep import submitit_private
from orchestrator.errors import UserError
from orchestrator.spec.guards import control_problem

VIDBENCH_ROOT = Path(__file__).resolve().parents[2]

# Slurm's states -> the manifest's (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT)
SLURM_STATES = {
    "PENDING": "PENDING", "REQUEUED": "PENDING", "REQUEUE_HOLD": "PENDING",
    "REQUEUE_FED": "PENDING", "RESV_DEL_HOLD": "PENDING", "CONFIGURING": "RUNNING",
    "RUNNING": "RUNNING", "COMPLETING": "RUNNING", "SUSPENDED": "RUNNING", "STAGE_OUT": "RUNNING",
    "SIGNALING": "RUNNING", "RESIZING": "RUNNING", "STOPPED": "RUNNING",
    "COMPLETED": "COMPLETED", "CANCELLED": "CANCELLED", "TIMEOUT": "TIMEOUT",
    "DEADLINE": "TIMEOUT", "FAILED": "FAILED", "NODE_FAIL": "FAILED", "BOOT_FAIL": "FAILED",
    "OUT_OF_MEMORY": "FAILED", "PREEMPTED": "FAILED", "REVOKED": "FAILED", "SPECIAL_EXIT": "FAILED",
}


@dataclass(frozen=True)
class SchedulerState:
    state: str                 # manifest vocabulary (see SLURM_STATES)
    raw: str                   # what Slurm said, e.g. "CANCELLED by 0", "OUT_OF_MEMORY"
    node: Optional[str] = None
    exit_code: Optional[str] = None


@dataclass(frozen=True)
class SlurmOptions:
    """Cluster-wide choices from the command line (the job gives nodes, GPUs, time...)."""

    partition: str
    account: Optional[str] = None
    qos: Optional[str] = None
    constraint: Optional[str] = None
    extra: dict = field(default_factory=dict)       # --slurm-arg KEY=VALUE, passed through
    array_parallelism: int = 256
    cpu_only: bool = False                          # ask for no GPUs (CPU trainings, tests)


def python_path_setup() -> list:
    """sbatch lines that make ``orchestrator`` importable inside the job."""
    root = shlex_quote(str(VIDBENCH_ROOT))
    return [f"export PYTHONPATH={root}${{PYTHONPATH:+:$PYTHONPATH}}"]


def shlex_quote(s: str) -> str:
    import shlex
    return shlex.quote(s)


SBATCH_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def check_slurm_options(opts: SlurmOptions, job_name: str = "") -> None:
    """Refuse values that would break out of their ``#SBATCH --key=value`` line: submitit writes
    each as one line of the sbatch script, so a newline ends the ``#SBATCH`` block (sbatch
    stops reading directives at the first command) and the rest becomes script text."""
    values = [("--partition", opts.partition), ("--account", opts.account),
              ("--qos", opts.qos), ("--constraint", opts.constraint), ("job name", job_name)]
    for key, value in (opts.extra or {}).items():
        if not SBATCH_KEY_RE.fullmatch(str(key)):
            raise UserError(f"--slurm-arg {key!r}: not an sbatch option name (letters, digits, "
                            f"'-', '_')")
        values.append((f"--slurm-arg {key}", value))
    for what, value in values:
        bad = control_problem(value) if value is not None else None
        if bad:
            raise UserError(f"{what} {value!r} holds {bad}: it would end its #SBATCH line")


def slurm_parameters(job, opts: SlurmOptions, job_name: str) -> dict:
    """submitit SlurmExecutor parameters of one job (jobs with equal parameters share an array)."""
    check_slurm_options(opts, job_name)
    params = {
        "job_name": job_name,
        "partition": opts.partition,
        "nodes": job.nodes,
        "ntasks_per_node": job.tasks_per_node,
        "time": int(job.time_limit_min),
        "use_srun": False,   # the job runner starts the framework (srun per GPU where it must)
        # submitit's USR2 warning before the end; must fit inside short test limits
        "signal_delay_s": min(90, max(5, int(job.time_limit_min) * 60 // 4)),
        "setup": python_path_setup(),
        "array_parallelism": opts.array_parallelism,
        "wckey": None,       # submitit writes --wckey=submitit otherwise; sites may refuse it
    }
    if job.gpus_per_node and not opts.cpu_only:
        params["gpus_per_node"] = job.gpus_per_node
    if job.cpus_per_task:
        params["cpus_per_task"] = job.cpus_per_task
    if job.mem_gb:
        params["mem"] = f"{int(job.mem_gb)}GB"
    for key in ("account", "qos", "constraint"):
        value = getattr(opts, key)
        if value:
            params[key] = value
    if opts.extra:
        params["additional_parameters"] = dict(opts.extra)
    return params


def group_alike(items: list) -> list:
    """[(params, [item, ...]), ...]: ``items`` (params, item) grouped by equal parameters
    apart from the job name, in first-seen order (each group can be one array). Equality of
    the dicts, not a serialized key: with the few groups of a sweep, a few compares a job."""
    groups = []
    for params, item in items:
        core = {k: v for k, v in params.items() if k != "job_name"}
        for g_params, members in groups:
            if g_params == core:
                members.append(item)
                break
        else:
            groups.append((core, [item]))
    return groups


def sbatch_script(params: dict, folder: Path) -> str:
    """The sbatch script submitit writes for a single job with these parameters (--dry-run)."""
    command = " ".join([shlex_quote(sys.executable), "-u -m submitit.core._submit",
                        shlex_quote(str(folder))])
    params = {**params, "setup": list(params.get("setup") or []) + task_setup_lines(folder)}
    return submitit_private.sbatch_string(command, folder, params)


BATCH_PICKLE = "batch_submitted.pkl"


def task_setup_lines(folder: Path) -> list:
    """sbatch lines that give the starting task the pickle under submitit's name for it:
    ``<array id>_<task>_submitted.pkl`` (``<job id>_submitted.pkl`` for a single job)."""
    q = shlex_quote(str(folder))
    return ['_vb_id=${SLURM_ARRAY_JOB_ID:+${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}}',
            f'cp -f {q}/{BATCH_PICKLE} {q}/"${{_vb_id:-$SLURM_JOB_ID}}_submitted.pkl"']


def array_task(fn, calls: list, task: Optional[int] = None):
    """Inside an array task: run ``fn(*calls[i])`` for this task's index (SLURM_ARRAY_TASK_ID;
    0 for a job that is not an array)."""
    if task is None:
        task = int(os.environ.get("SLURM_ARRAY_TASK_ID") or 0)
    return fn(*calls[task])


class SlurmExecutor:
    """Submit groups of alike jobs as Slurm job arrays through submitit."""

    name = "slurm"

    def __init__(self, folder: Path, opts: SlurmOptions):
        self.folder, self.opts = Path(folder), opts

    _found_on = None     # the PATH on which every command was found (looked up once)

    @classmethod
    def available(cls) -> Optional[str]:
        """None where sbatch/srun exist, else why this machine cannot submit."""
        path = os.environ.get("PATH")
        if cls._found_on is not None and cls._found_on == path:
            return None
        missing = [c for c in ("sbatch", "srun", "squeue", "sacct") if shutil.which(c) is None]
        if missing:
            return f"{', '.join(missing)} not found: not a Slurm login node"
        cls._found_on = path
        return None

    def submit(self, fn, calls: list, params: dict, batch: str) -> list:
        """Submit ``fn(*args)`` for each args in ``calls`` as one array (one job where there is
        one call) into ``folder/batch/``; returns the job ids (``<array id>_<i>``, or the id).

        One pickle per array, not one per job: submitit pickles a single call of
        :func:`array_task` (``fn`` and every ``calls``), its sbatch script (``--array``, from
        submitit's own array size) gives each task its ``<A>_<a>_0_log.out|err`` in the
        batch folder, and a setup line copies the pickle to the name submitit's runner looks
        for (``<A>_<a>_submitted.pkl``) when the task starts. So submitting costs the same
        few files for 1 or 1000 jobs, and submitit's runner, logs and result pickles inside the
        task are submitit's own (``submitit.SlurmJob(folder, job_id)`` finds them)."""
        import submitit
        why = self.available()
        if why:
            raise UserError(f"cannot submit to Slurm: {why} (use --executor local to run here)")
        folder = self.folder / batch
        ex = submitit.SlurmExecutor(folder=folder, max_num_timeout=0)
        ex.update_parameters(**{**params, "setup": list(params.get("setup") or []) +
                                task_setup_lines(folder)})
        if len(calls) > 1:
            submitit_private.set_array_size(ex, len(calls))
        folder.mkdir(parents=True, exist_ok=True)
        submitit_private.dump_call(folder / BATCH_PICKLE, array_task, fn, [tuple(c) for c in calls],
                                   timeout_min=ex.parameters.get("time", 5),
                                   max_num_timeout=ex.max_num_timeout)
        try:
            job = submitit_private.submit_prepared(ex)
        except subprocess.CalledProcessError as exc:
            out = (exc.stderr or exc.output or b"")
            out = out.decode(errors="replace") if isinstance(out, bytes) else str(out)
            raise UserError(f"sbatch refused the jobs: {out.strip() or exc}") from None
        except Exception as exc:   # submitit.FailedJobError etc.: say what sbatch said
            msg = str(exc).strip().splitlines()
            raise UserError(f"sbatch failed: {' '.join(msg)[:800]}") from None
        main = str(job.job_id)
        return [f"{main}_{i}" for i in range(len(calls))] if len(calls) > 1 else [main]

    @staticmethod
    def cancel(job_ids: list) -> None:
        if job_ids:
            subprocess.run(["scancel", *job_ids], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, check=False)

    @staticmethod
    def find_by_name(job_name: str) -> dict:
        """{job id: state} of the jobs called ``job_name`` (recovers ids of an interrupted
        submission: the array was submitted but the ids were never written down)."""
        found = {}
        if shutil.which("squeue"):
            r = subprocess.run(["squeue", "-h", "-r", "-n", job_name, "-o", "%i"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            found.update({i.strip(): "" for i in r.stdout.split() if i.strip()})
        if shutil.which("sacct"):
            r = subprocess.run(["sacct", "-X", "-n", "-P", "--name", job_name, "-S", "now-7days",
                                "-o", "JobID,State"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            for line in r.stdout.splitlines():
                parts = line.split("|")
                if parts and parts[0]:
                    for jid in expand_array_ids(parts[0]):
                        found.setdefault(jid, parts[1] if len(parts) > 1 else "")
        return found

    @staticmethod
    def states(job_ids: list) -> dict:
        """{job id: SchedulerState} for the ids the scheduler knows (live or in accounting)."""
        ids = sorted(set(job_ids))
        out = {}
        if not ids:
            return out
        mains = sorted({i.split("_")[0] for i in ids})
        if shutil.which("squeue"):
            r = subprocess.run(["squeue", "-h", "-r", "-j", ",".join(mains), "-o", "%i|%T|%N"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            for line in r.stdout.splitlines():
                parts = line.strip().split("|")
                if len(parts) >= 2 and parts[0] in ids:
                    out[parts[0]] = SchedulerState(SLURM_STATES.get(parts[1], "RUNNING"), parts[1],
                                                   parts[2] or None if len(parts) > 2 else None)
        remainder = {}
        if shutil.which("sacct"):
            r = subprocess.run(["sacct", "-X", "-n", "-P", "-j", ",".join(mains),
                                "-o", "JobID,State,NodeList,ExitCode"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            for line in r.stdout.splitlines():
                parts = line.split("|")
                if len(parts) < 4 or not parts[1]:
                    continue
                raw = parts[1].strip()
                word = raw.split()[0]
                state = SchedulerState(SLURM_STATES.get(word, "FAILED"), raw, parts[2] or None,
                                       parts[3] or None)
                for jid in expand_array_ids(parts[0]):
                    if jid in ids and jid not in out:   # squeue is fresher for live jobs
                        out[jid] = state
                    elif "_" not in jid:
                        # the record of an array's tasks that never started (cancelled while
                        # pending) carries the bare array id
                        remainder[jid] = state
            for jid in ids:
                main = jid.split("_")[0]
                if jid not in out and "_" in jid and main in remainder:
                    out[jid] = remainder[main]
        return out


def expand_array_ids(text: str) -> list:
    """'123_[0-2,5%4]' -> ['123_0', '123_1', '123_2', '123_5']; '123_4' -> ['123_4']."""
    m = re.fullmatch(r"(\d+)_\[([0-9,\-]+)(%\d+)?\]", text.strip())
    if not m:
        return [text.strip()]
    out = []
    for part in m.group(2).split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            out += [f"{m.group(1)}_{i}" for i in range(int(a), int(b) + 1)]
        elif part:
            out.append(f"{m.group(1)}_{part}")
    return out


class LocalExecutor:
    """Run the jobs on this machine, one after another, in a submitit local job."""

    name = "local"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def submit(self, fn, args, timeout_min: int) -> str:
        """One local job running ``fn(*args)``; returns its id (the controller's pid)."""
        import submitit
        ex = submitit.LocalExecutor(folder=self.folder / "%j")
        ex.update_parameters(timeout_min=int(timeout_min), gpus_per_node=0)
        env_pp = os.environ.get("PYTHONPATH", "")
        if str(VIDBENCH_ROOT) not in env_pp.split(os.pathsep):
            os.environ["PYTHONPATH"] = os.pathsep.join([str(VIDBENCH_ROOT)] +
                                                       ([env_pp] if env_pp else []))
        # The runner must not hold our stdout/stderr open: `SWEEP=$(... sweep)` would wait for
        # the whole sweep. It inherits a log file instead (its own output goes to submitit/).
        self.folder.mkdir(parents=True, exist_ok=True)
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [os.dup(fd) for fd in (0, 1, 2)]
        try:
            with open(os.devnull, "rb") as null, open(self.folder / "local-runner.log", "ab") as lf:
                os.dup2(null.fileno(), 0)
                os.dup2(lf.fileno(), 1)
                os.dup2(lf.fileno(), 2)
                job = ex.submit(fn, *args)
        finally:
            for fd, dup in zip((0, 1, 2), saved):
                os.dup2(dup, fd)
                os.close(dup)
        return str(job.job_id)

    @staticmethod
    def alive(job_id: str) -> bool:
        """True while the local runner (its controller process) is running."""
        try:
            with open(f"/proc/{int(job_id)}/cmdline", "rb") as f:
                cmd = f.read()
            with open(f"/proc/{int(job_id)}/stat") as f:
                zombie = f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except (OSError, ValueError, IndexError):
            return False
        return b"submitit" in cmd and not zombie
