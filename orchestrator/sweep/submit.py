"""Submission of a sweep's jobs: Slurm arrays (one per group of alike jobs) or local processes.

Every submission is written down *before* ``sbatch`` (an intent naming the Slurm job name of
its array) and completed after, so that a submitting process killed in between leaves what
``resume`` needs to find the ids instead of submitting again.
"""
from __future__ import annotations

import os
import time
import uuid

from orchestrator.job import jobrun
from orchestrator.sweep.executors import LocalExecutor, SlurmExecutor, group_alike
from orchestrator.sweep.sweepdir import SweepDir, now_iso
from orchestrator.sweep.options import FAULT_SLEEP_AFTER_SBATCH, log, SweepOptions


def _fault_pause() -> None:
    delay = os.environ.get(FAULT_SLEEP_AFTER_SBATCH)
    if delay:
        log(f"fault injection ({FAULT_SLEEP_AFTER_SBATCH}): sleeping {delay} s after sbatch, "
            f"before the job ids are written down")
        time.sleep(float(delay))


def new_batch(executor: str, members: list, attempts: dict, **fields) -> dict:
    """The submission record of ``members`` (JobDirs), each as its next attempt."""
    uid = uuid.uuid4().hex[:10]
    return {"batch": uid, "executor": executor, "submitted": now_iso(),
            "job_id": None, "array": False, "submitit": f"submitit/{uid}",
            "members": [[jd.name, len(attempts.get(jd.name, ())) + 1] for jd in members],
            **fields}


def submit(sweep: SweepDir, dirs: list, opts: SweepOptions) -> None:
    """Submit job folders: Slurm arrays of alike jobs, or local runners.

    Per sbatch, the submission record is written twice (before: the intent, with the array's
    Slurm job name; after: its job id); no file is written per job. What a job needs at run
    time travels in the pickle (its folder and attempt number)."""
    if not dirs:
        return
    sweep.submissions_dir.mkdir(exist_ok=True)     # sweeps made before submission records
    attempts = sweep.attempts()
    if opts.executor == "local":
        return _submit_local(sweep, dirs, attempts, opts.local_parallel)
    slurm = SlurmExecutor(sweep.submitit_dir, opts.slurm())
    for params, members in group_alike([(jd.read_plan()["slurm_params"], jd) for jd in dirs]):
        batch = new_batch("slurm", members, attempts, array=len(members) > 1)
        batch["slurm_job_name"] = name = f"vidbench-{batch['batch']}"
        sweep.write_batch(batch)
        calls = [(str(jd.path), att) for jd, (_, att) in zip(members, batch["members"])]
        ids = slurm.submit(jobrun.run_job, calls, {**params, "job_name": name}, batch["batch"])
        _fault_pause()
        sweep.batch_submitted(batch, ids[0].split("_")[0])
        log(f"sbatch: {len(members)} job(s) as {name} "
            f"({'array ' + batch['job_id'] if batch['array'] else 'job ' + ids[0]})")


def _submit_local(sweep: SweepDir, dirs: list, attempts: dict, parallel: int = 1) -> None:
    """Local executor: ``parallel`` runners taking the jobs from one queue, in order, each the
    next one no runner has taken (``jobrun.run_sequence(queue=True)``): alike jobs of two
    frameworks run side by side, and no runner idles while jobs wait. Each runner's submission
    record lists the jobs dealt to it in turn (where their attempts are recorded) and the
    queue's id; the runner that took a job is in its claim (``submissions/claims/``). Every
    record is written before any runner starts."""
    n = max(1, min(parallel, len(dirs)))
    lanes = [dirs[k::n] for k in range(n)]
    batches = [new_batch("local", lane, attempts) for lane in lanes]
    attempt_of = {name: att for b in batches for name, att in b["members"]}
    queue = [(str(jd.path), attempt_of[jd.name]) for jd in dirs]
    for batch in batches:
        if n > 1:
            batch["queue"] = batches[0]["batch"]
        sweep.write_batch(batch)
    limit_min = sum(jd.read_plan()["time_limit_s"] // 60 + 1 for jd in dirs) + 5
    for lane, batch in zip(lanes, batches):
        # one runner: its lane is the whole queue, and nothing to claim from
        jid = LocalExecutor(sweep.submitit_dir).submit(
            jobrun.run_sequence, (queue, n > 1), timeout_min=limit_min)
        batch["submitit"] = f"submitit/{jid}"
        sweep.write_batch({**batch, "job_id": jid})
        log(f"local runner {jid}: " + (f"{len(dirs)} job(s) from a queue shared by {n} runners"
                                       if n > 1 else f"{len(lane)} job(s), one after another"))
