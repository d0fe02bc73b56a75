"""The sweep folder (docs/DESIGN.md §3): its layout, and its state kept in plain files.

Why plain files: a sweep outlives the process that submitted it (users log out, the orchestrator
is killed), so everything `status`, `resume`, `cancel` and `collect` need is on disk, written
atomically (temporary file in the same folder, fsync, rename), never half written. This module
is the one place that knows the paths; names are checked so that a job can never write outside
its own folder.

    SWEEP_DIR/sweep.json            what was asked (spec files + sha256, options), once
    SWEEP_DIR/jobs/<name>/          one folder per job (job.json, plan.json, command.sh,
                                    manifest.json, stdout.log, stderr.log, logs/, probe/,
                                    attempts/<n>/, submitit -> ../../submitit/<batch>, the
                                    last two written by the job itself)
    SWEEP_DIR/submissions/<batch>.json
                                    one record per sbatch (or local runner): its members (job
                                    name, attempt number), Slurm job name and job id; written
                                    before sbatch (the intent) and once more after. The attempts
                                    of a job are read from these (`attempts_of`), so submitting
                                    100 jobs writes 2 files, not 100 or 200.
    SWEEP_DIR/submissions/claims/<name>.<attempt>
                                    which local runner took that attempt of the job (its id):
                                    the runners of one submission share one queue, and each
                                    takes the next job no runner has claimed
    SWEEP_DIR/submitit/<batch>/     submitit's own files of one sbatch (sbatch script, the pickle,
                                    per task `<job id>_0_log.out|err`, `<job id>_0_result.pkl`)
    SWEEP_DIR/CANCEL                present once `cancel` ran: local runners stop at the next job
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from orchestrator.errors import UserError
from orchestrator.fileio import read_json, write_new_text, write_to

# A job name becomes a folder name: letters, digits, '.', '_', '-'; no leading dot.
JOB_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
MAIN_STAGE = "main"   # folder of a job's only stage (its name is "")

FINAL_STATES = ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT")


def now_iso() -> str:
    """Current time, ISO 8601 UTC with seconds (what the manifest records)."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def stage_dir_name(stage_name: str) -> str:
    return stage_name or MAIN_STAGE


def check_job_name(name: str) -> str:
    """A job name that is a single, safe folder name; UserError otherwise."""
    if not isinstance(name, str) or not JOB_NAME_RE.fullmatch(name) or name in (".", ".."):
        raise UserError(f"job name {name!r} is not a safe folder name (letters, digits, '.', '_', "
                        f"'-'; at most 200 characters; no leading dot)")
    return name


@dataclass(frozen=True)
class JobDir:
    """The folder of one job and the files in it. ``plan``: its plan.json where the caller
    holds it already (write_job), so that submitting does not read it back."""

    path: Path
    plan: Optional[dict] = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    @classmethod
    def containing(cls, path: Path) -> Optional["JobDir"]:
        """The job folder that ``path`` (a log, a probe folder) lies in, or None where it lies
        in none (a log given by hand): ``SWEEP_DIR/jobs/<name>/...``."""
        path = Path(path)
        for parent in [path] + list(path.parents):
            if parent.parent.name == "jobs":
                return cls(parent)
        return None

    job_json = property(lambda self: self.path / "job.json")
    command_sh = property(lambda self: self.path / "command.sh")
    plan_json = property(lambda self: self.path / "plan.json")
    manifest_json = property(lambda self: self.path / "manifest.json")
    envinfo_json = property(lambda self: self.path / "envinfo.json")
    stdout_log = property(lambda self: self.path / "stdout.log")
    stderr_log = property(lambda self: self.path / "stderr.log")
    submitit_link = property(lambda self: self.path / "submitit")

    def logs_dir(self, stage_name: str) -> Path:
        return self.path / "logs" / stage_dir_name(stage_name)

    def probe_dir(self, stage_name: str) -> Path:
        return self.path / "probe" / stage_dir_name(stage_name)

    def manifest(self) -> Optional[dict]:
        return read_json(self.manifest_json)

    def link_submitit(self, folder: Path) -> None:
        """``submitit`` -> ``folder`` (submitit's folder of the job's batch, where its
        ``<job id>_0_log.out|err`` are), as a relative link so the sweep folder can move."""
        link = self.submitit_link
        target = Path(os.path.relpath(Path(folder).absolute(), self.path.absolute()))
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target, target_is_directory=True)

    def read_plan(self) -> dict:
        return self.plan if self.plan is not None else read_json(self.plan_json)

    def submission(self) -> dict:
        """{"attempts": [...]}: every submission of this job, oldest first (SweepDir.attempts)."""
        return {"attempts": SweepDir(self.path.parent.parent).attempts().get(self.name, [])}

    def last_attempt(self) -> Optional[dict]:
        return last_of(SweepDir(self.path.parent.parent).attempts(), self.name)


SUBMISSIONS = "submissions"
CLAIMS = "claims"


def claim_path(sweep_root: Path, name: str, attempt: int) -> Path:
    return Path(sweep_root) / SUBMISSIONS / CLAIMS / f"{name}.{attempt}"


def claim(sweep_root: Path, name: str, attempt: int, runner: str) -> bool:
    """Take attempt ``attempt`` of job ``name`` for local runner ``runner``; True for the one
    runner that gets it. The claim is a hard link made exclusively from a file already
    written, so it appears whole, runner id included, or not at all."""
    path = claim_path(sweep_root, name, attempt)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{runner}.{os.getpid()}.tmp")
    write_to(tmp, f"{runner}\n", os.O_TRUNC)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def claimed_by(sweep_root: Path, name: str, attempt: int) -> Optional[str]:
    """The id of the local runner that took this attempt, or None while none has."""
    try:
        return claim_path(sweep_root, name, attempt).read_text().strip() or None
    except OSError:
        return None


def last_of(attempts: dict, name: str) -> Optional[dict]:
    """The latest attempt of job ``name`` in an ``attempts_of``-style index, or None."""
    found = attempts.get(name)
    return found[-1] if found else None


def batch_file_name(uid: str, job_id: Optional[str] = None) -> str:
    """``<batch>.json`` while sbatch has not answered, ``<batch>.<job id>.json`` after."""
    return f"{uid}.json" if job_id is None else f"{uid}.{job_id}.json"


def read_batches(root: Path) -> list:
    """The submission records (``submissions/*.json``) of the sweep in ``root``, oldest first.
    A record's job id is the one in its file name (the rename after sbatch) or in its text."""
    folder = Path(root) / SUBMISSIONS
    for attempt in range(100):    # a record renamed, or being made, while we read: again
        try:
            names = [n for n in os.listdir(folder)
                     if n.endswith(".json") and not n.startswith(".")]
        except FileNotFoundError:
            return []
        found, vanished = {}, False
        for name in sorted(names, key=lambda n: n.count(".")):   # named with a job id wins
            uid, _, rest = name[:-len(".json")].partition(".")
            try:
                batch = read_json(folder / name)
            except UserError:
                if rest:                 # not an intent being written: a real error
                    raise
                if attempt == 99:        # an intent cut short (a crash before its sbatch)
                    continue
                batch = None
            if batch is None:
                vanished = True
                time.sleep(0.01)
                break
            if rest and batch.get("job_id") is None:
                batch["job_id"] = rest
            found[uid] = batch
        if not vanished:
            break
    return sorted(found.values(), key=lambda b: (b.get("submitted") or "", b.get("batch") or ""))


def batch_text(batch: dict) -> str:
    """A submission record as JSON text: a key a line, a member a line."""
    head = [f" {json.dumps(k)}: {json.dumps(v, default=str)}" for k, v in batch.items()
            if k != "members"]
    # job names are plain folder names (JOB_NAME_RE): no "]" inside a member
    members = json.dumps(batch.get("members") or [])[1:-1].replace("], [", "],\n  [")
    return "{\n" + ",\n".join(head + [f' "members": [\n  {members}\n ]']) + "\n}\n"


def member_job_id(batch: dict, index: int) -> Optional[str]:
    """The scheduler's id of member ``index`` of a submission: ``<array id>_<index>`` for an
    array, the job id otherwise; None while it is not known (being submitted, or not found)."""
    main = batch.get("job_id")
    if main is None or index in (batch.get("not_found") or ()):
        return None
    return f"{main}_{index}" if batch.get("array") else str(main)


def attempts_of(batches: list) -> dict:
    """{job name: [attempt record, ...]} from submission records, by attempt number. An attempt
    record: attempt, executor, batch, slurm_job_name, index, array, job_id, state, submitted,
    recovered, submitit (the submitit folder, relative to the sweep folder), queue (local
    runners sharing one queue: the id they share, else None)."""
    out = {}
    for b in batches:
        for index, (name, attempt) in enumerate(b.get("members") or ()):
            jid = member_job_id(b, index)
            out.setdefault(name, []).append({
                "attempt": attempt, "executor": b.get("executor"), "batch": b.get("batch"),
                "slurm_job_name": b.get("slurm_job_name"), "index": index,
                "array": bool(b.get("array")), "job_id": jid,
                "state": "submitted" if jid else "submitting", "submitted": b.get("submitted"),
                "recovered": bool(b.get("recovered")), "submitit": b.get("submitit"),
                "queue": b.get("queue")})
    for attempts in out.values():
        attempts.sort(key=lambda a: a["attempt"])
    return out


@dataclass(frozen=True)
class SweepDir:
    """A sweep folder; :meth:`create` makes a new one, the constructor opens an existing one."""

    root: Path

    sweep_json = property(lambda self: self.root / "sweep.json")
    jobs_dir = property(lambda self: self.root / "jobs")
    submitit_dir = property(lambda self: self.root / "submitit")
    submissions_dir = property(lambda self: self.root / SUBMISSIONS)
    cancel_marker = property(lambda self: self.root / "CANCEL")
    lock_file = property(lambda self: self.root / ".lock")

    @staticmethod
    def refuse_existing(root: Path) -> None:
        root = Path(root).absolute()
        if (root / "sweep.json").exists() or (root / "jobs").exists():
            raise UserError(f"{root}: already holds a sweep; refusing to overwrite it: use "
                            f"`resume {root}` or another --out")
        if root.exists() and not root.is_dir():
            raise UserError(f"{root}: exists and is not a folder; choose another --out")

    @classmethod
    def create(cls, root: Path, record: dict) -> "SweepDir":
        """Make a new sweep folder; refuses (UserError) where a sweep is already there."""
        root = Path(root).absolute()
        cls.refuse_existing(root)
        root.mkdir(parents=True, exist_ok=True)
        sweep = cls(root)
        text = json.dumps(record, indent=2, default=str) + "\n"
        try:   # O_EXCL: of two sweeps started at once into the same folder, one wins
            fd = os.open(sweep.sweep_json, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise UserError(f"{sweep.sweep_json}: already exists; refusing to overwrite a sweep: "
                            f"use `resume {root}` or another --out") from None
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        sweep.jobs_dir.mkdir()
        sweep.submitit_dir.mkdir()
        sweep.submissions_dir.mkdir()
        return sweep

    @classmethod
    def open(cls, root) -> "SweepDir":
        root = Path(root).absolute()
        sweep = cls(root)
        if not sweep.sweep_json.is_file():
            raise UserError(f"{root}: not a sweep folder (no sweep.json); give the folder that "
                            f"`sweep` printed")
        return sweep

    def record(self) -> dict:
        return read_json(self.sweep_json) or {}

    def batches(self) -> list:
        return read_batches(self.root)

    def attempts(self) -> dict:
        """{job name: [attempt, ...]} of every job submitted, from the submission records."""
        return attempts_of(self.batches())

    def write_batch(self, batch: dict) -> None:
        """Write one submission record, atomically (one member a line), under the name its
        job id gives it (see batch_file_name); drops the record's other name."""
        folder, uid, jid = self.submissions_dir, batch["batch"], batch.get("job_id")
        if jid is None:      # a new record (the intent before sbatch): its own file, created
            # once under its final name, in one write (readers retry one caught half made)
            write_to(folder / batch_file_name(uid), batch_text(batch), os.O_EXCL)
            return
        write_new_text(folder / batch_file_name(uid, jid), batch_text(batch))
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / batch_file_name(uid))

    def batch_submitted(self, batch: dict, job_id: str) -> None:
        """Record the job id sbatch gave a record written before it: one rename (atomic) of
        ``<batch>.json`` to ``<batch>.<job id>.json``."""
        folder = self.submissions_dir
        os.rename(folder / batch_file_name(batch["batch"]),
                  folder / batch_file_name(batch["batch"], job_id))
        batch["job_id"] = job_id

    def job(self, name: str) -> JobDir:
        """The folder of job ``name``; the name is checked, so it stays inside jobs/."""
        path = self.jobs_dir / check_job_name(name)
        if path.resolve().parent != self.jobs_dir.resolve():
            raise UserError(f"job name {name!r} would escape {self.jobs_dir}")
        return JobDir(path)

    def missing_jobs(self, attempts: Optional[dict] = None) -> list:
        """Names of jobs the sweep made (sweep.json's ``job_names``) or submitted
        (submissions/) whose folder is gone: deleted by hand, so their results are lost and
        every reader must say so rather than count fewer jobs."""
        named = list((attempts if attempts is not None else self.attempts()).keys())
        record = self.record() if self.sweep_json.is_file() else {}
        names = record.get("job_names") if isinstance(record, dict) else None
        if isinstance(names, list):
            named += [n for n in names if isinstance(n, str)]
        present = {jd.name for jd in self.job_dirs()}
        return sorted({n for n in named if JOB_NAME_RE.fullmatch(n) and n not in present})

    def job_dirs(self) -> list:
        """Every job of the sweep (folders with a job.json), by name."""
        if not self.jobs_dir.is_dir():
            return []
        return [JobDir(p) for p in sorted(self.jobs_dir.iterdir())
                if JOB_NAME_RE.fullmatch(p.name) and (p / "job.json").is_file()]

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the sweep's lock: one submitting process (sweep/resume/cancel) at a time."""
        with open(self.lock_file, "a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UserError(f"{self.root}: another sweep/resume/cancel is working on this "
                                f"folder right now; wait for it to finish") from None
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)


def default_sweep_root(results_dir: Path, tables) -> Path:
    """A new timestamped folder under ``results/``, never one that exists."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = "sweep-" + stamp + ("-" + "-".join(tables) if tables else "")
    root = Path(results_dir) / base
    n = 1
    while root.exists():
        n += 1
        root = Path(results_dir) / f"{base}-{n}"
    return root
