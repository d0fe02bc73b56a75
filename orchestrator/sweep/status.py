"""Where every job of a sweep stands: its manifest, its last submission and the scheduler
combined into one state, in any process (also after a logout).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from orchestrator.errors import UserError
from orchestrator.fileio import atomic_write_json
from orchestrator.sweep.executors import LocalExecutor, SlurmExecutor
from orchestrator.sweep.sweepdir import (FINAL_STATES, JobDir, SweepDir, attempts_of, claimed_by,
                                         last_of, now_iso)


@dataclass
class JobStatus:
    name: str
    state: str
    reason: Optional[str] = None
    job_id: Optional[str] = None
    attempt: Optional[int] = None
    executor: Optional[str] = None
    host: Optional[str] = None
    started: Optional[str] = None
    finished: Optional[str] = None
    exit_status: Optional[int] = None

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


def combine(manifest: dict, attempt: Optional[dict], sched, runner_alive: Optional[bool],
            cancel_requested: bool, damaged: Optional[str] = None) -> tuple:
    """(state, reason) of a job from its manifest (what the job wrote), its last submission
    and what the scheduler says. Pure; the rules are the spec of `status`.

    ``damaged``: why the manifest cannot be trusted (missing, not JSON, unknown status) while
    the job's own outputs (logs, probe records) show it ran: unless it is still live, it is
    INSPECT, never resubmitted (a rerun could overwrite a finished result)."""
    if damaged:
        live = runner_alive if attempt and attempt.get("executor") == "local" else \
            sched is not None and sched.state in ("PENDING", "RUNNING")
        if live:
            return (sched.state if sched is not None else "RUNNING"), damaged
        return "INSPECT", (f"{damaged}, but the job left logs or probe records: inspect it; "
                           f"resume does not rerun it (restore manifest.json, or delete the "
                           f"job's logs/ and probe/ to let resume rerun it)")
    mstate = manifest.get("status") or "PENDING"
    mreason = manifest.get("reason")
    if mstate == "COMPLETED":
        return "COMPLETED", None
    if attempt is None:
        return "UNSUBMITTED", "never submitted (the submitting process stopped first)"
    if attempt.get("job_id") is None:
        return "SUBMITTING", "interrupted while submitting; `resume` looks it up by name"
    if attempt.get("executor") == "local":
        if mstate in FINAL_STATES:
            return mstate, mreason
        if runner_alive:
            return mstate, mreason
        if cancel_requested:
            return "CANCELLED", "cancelled by `cancel`"
        return "LOST", f"the local runner ({attempt.get('job_id')}) is gone"
    if sched is None:      # accounting has not caught up yet: trust the job's own record
        return mstate, mreason
    if sched.state in ("PENDING", "RUNNING"):
        if mstate in ("FAILED", "TIMEOUT") and manifest.get("finished") and \
                manifest.get("attempt") == attempt.get("attempt"):
            # this attempt's runner judged its own stages (exit status, its time limit) and is
            # exiting; Slurm has not noticed yet. (A cancellation is Slurm's to report.)
            return mstate, mreason
        return sched.state, None
    if sched.state in ("CANCELLED", "TIMEOUT"):
        return sched.state, f"Slurm: {sched.raw}"
    if sched.state == "FAILED":
        if mstate == "FAILED":
            return "FAILED", mreason or f"Slurm: {sched.raw}"
        return "FAILED", f"Slurm: {sched.raw} (exit {sched.exit_code})"
    # Slurm says COMPLETED: the job runner ended; its manifest says how the stages went
    if mstate in FINAL_STATES:
        return mstate, mreason
    return "FAILED", "the job ended without recording a result (see stdout.log, submitit/)"


KNOWN_STATES = ("PENDING", "RUNNING") + FINAL_STATES
# states of a job that `wait` stops waiting for without their being final
SETTLED_STATES = ("UNSUBMITTED", "SUBMITTING", "LOST", "INSPECT", "MISSING")


def job_outputs(jd: JobDir) -> list:
    """The job's own results on disk: copied-back logs and probe records (relative paths)."""
    out = []
    for sub, pattern in (("logs", "*"), ("probe", "*.jsonl")):
        folder = jd.path / sub
        if folder.is_dir():
            out += [str(p.relative_to(jd.path)) for p in folder.rglob(pattern) if p.is_file()]
    return sorted(out)


def read_manifest(jd: JobDir) -> tuple:
    """(manifest dict, None) or ({}, why it cannot be trusted): missing, not JSON, not an
    object, or a status outside the manifest's vocabulary."""
    try:
        m = jd.manifest()
    except UserError as exc:
        return {}, f"manifest.json is not valid JSON ({str(exc).split('(', 1)[-1].rstrip(')?')})"
    if m is None:
        return {}, "manifest.json is missing"
    if not isinstance(m, dict):
        return {}, f"manifest.json holds a JSON {type(m).__name__}, not an object"
    status = m.get("status")
    if status is not None and status not in KNOWN_STATES:
        return m, f"manifest.json has an unknown status {status!r}"
    return m, None


def local_runner(sweep: SweepDir, name: str, attempt: Optional[dict]) -> Optional[dict]:
    """The attempt record with the local runner that took the job (its claim) as its job id:
    with a shared queue that may be another runner than the one the job was dealt to."""
    if not attempt or attempt.get("executor") != "local" or not attempt.get("queue"):
        return attempt
    runner = claimed_by(sweep.root, name, attempt["attempt"])
    return {**attempt, "job_id": runner, "claimed": True} if runner else attempt


def job_statuses(sweep: SweepDir, write_back: bool = True) -> list:
    dirs = sweep.job_dirs()
    manifests, damaged = {}, {}
    for jd in dirs:
        m, why = read_manifest(jd)
        manifests[jd.name] = m if why is None else {}
        if why is not None and job_outputs(jd):
            damaged[jd.name] = why
    batches = sweep.batches()
    index = attempts_of(batches)
    attempts = {jd.name: local_runner(sweep, jd.name, last_of(index, jd.name)) for jd in dirs}
    queues = {}             # a queue shared by local runners: their ids
    for b in batches:
        if b.get("queue") and b.get("job_id"):
            queues.setdefault(b["queue"], []).append(b["job_id"])
    slurm_ids = [a["job_id"] for n, a in attempts.items()
                 if a and a.get("executor") == "slurm" and a.get("job_id")
                 and manifests[n].get("status") != "COMPLETED"]
    sched = SlurmExecutor.states(slurm_ids) if slurm_ids else {}
    local_alive = {}
    cancel = sweep.cancel_marker.exists()
    out = []
    for jd in dirs:
        m, a = manifests[jd.name], attempts[jd.name]
        alive = None
        if a and a.get("executor") == "local" and a.get("job_id"):
            # a job no runner has taken yet waits for any runner of its queue
            runners = [a["job_id"]] if a.get("claimed") or not a.get("queue") else \
                queues.get(a["queue"], [a["job_id"]])
            for jid in runners:
                if jid not in local_alive:
                    local_alive[jid] = LocalExecutor.alive(jid)
            alive = any(local_alive[jid] for jid in runners)
        state, reason = combine(m, a, sched.get(a.get("job_id")) if a else None, alive, cancel,
                                damaged.get(jd.name))
        if write_back and state in FINAL_STATES and m.get("status") != "COMPLETED" and \
                (m.get("status") != state or m.get("reason") != reason):
            m = reconcile_manifest(jd, state, reason)
        out.append(JobStatus(name=jd.name, state=state, reason=reason,
                             job_id=a.get("job_id") if a else None,
                             attempt=a.get("attempt") if a else None,
                             executor=a.get("executor") if a else None, host=m.get("host"),
                             started=m.get("started"), finished=m.get("finished"),
                             exit_status=m.get("exit_status")))
    for name in sweep.missing_jobs(index):
        a = last_of(index, name)
        out.append(JobStatus(name=name, state="MISSING", job_id=a.get("job_id") if a else None,
                             attempt=a.get("attempt") if a else None,
                             executor=a.get("executor") if a else None,
                             reason="its folder jobs/" + name + " is gone (deleted?): its results "
                                    "are lost and resume cannot rerun it"))
    return out


def reconcile_manifest(jd: JobDir, state: str, reason: Optional[str]) -> dict:
    """Write the scheduler's verdict into a manifest the job could not finish itself."""
    m = read_manifest(jd)[0]
    if m.get("status") == "COMPLETED":       # never touch a finished result
        return m
    m.update(status=state, reason=reason, finished=m.get("finished") or now_iso())
    atomic_write_json(jd.manifest_json, m)
    return m


def summary(statuses: list) -> str:
    counts = {}
    for s in statuses:
        counts[s.state] = counts.get(s.state, 0) + 1
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
