"""Acting on a sweep already started: ``resume`` (resubmit what did not finish; a COMPLETED job
is never submitted again), ``cancel`` and ``wait``.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Optional

from orchestrator.fileio import atomic_write_json, read_json
from orchestrator.sweep.executors import SlurmExecutor
from orchestrator.sweep.sweepdir import JobDir, SweepDir, last_of
from orchestrator.sweep.options import RESUBMIT_STATES, log, SweepOptions
from orchestrator.sweep.submit import submit
from orchestrator.sweep.status import (SETTLED_STATES, job_statuses, read_manifest,
                                       reconcile_manifest, summary)


def recover_submitting(sweep: SweepDir) -> int:
    """Find, by Slurm job name, the ids of arrays submitted by a process killed before it wrote
    them down; returns how many jobs were recovered."""
    n = 0
    for batch in sweep.batches():
        if batch.get("executor") != "slurm" or batch.get("job_id") is not None:
            continue
        found = SlurmExecutor.find_by_name(batch["slurm_job_name"])
        if not found:
            continue
        main = sorted({j.split("_")[0] for j in found}, key=int)[-1]
        members = batch.get("members") or []
        missing = [i for i in range(len(members))
                   if batch.get("array") and f"{main}_{i}" not in found]
        batch.update(job_id=main, recovered=True, not_found=missing)
        sweep.write_batch(batch)
        n += len(members) - len(missing)
    return n


def archive_attempt(jd: JobDir, a: Optional[dict]) -> None:
    """Move the files of a failed attempt ``a`` (its record, or None) to attempts/<n>/ and
    start a fresh manifest."""
    m = read_manifest(jd)[0]
    if m.get("status") == "COMPLETED":
        raise AssertionError(f"{jd.name}: refusing to archive a COMPLETED result")
    if a is not None:
        dest = jd.path / "attempts" / str(a["attempt"])
        dest.mkdir(parents=True, exist_ok=True)
        for name in ("manifest.json", "stdout.log", "stderr.log", "envinfo.json", "logs",
                     "probe"):
            src = jd.path / name
            if src.exists():
                os.replace(src, dest / name)
        if jd.submitit_link.is_symlink():    # the submission record keeps the job id
            jd.submitit_link.unlink()
    plan = read_json(jd.plan_json)
    atomic_write_json(jd.manifest_json, plan["initial_manifest"])


def resume(sweep: SweepDir) -> tuple:
    """Resubmit what did not finish; returns (resubmitted names, statuses before)."""
    opts = SweepOptions.from_json(sweep.record().get("options", {}))
    with sweep.locked():
        if sweep.cancel_marker.exists():
            sweep.cancel_marker.unlink()
        recovered = recover_submitting(sweep)
        if recovered:
            log(f"recovered the Slurm ids of {recovered} job(s) of an interrupted submission")
        statuses = job_statuses(sweep)
        index = sweep.attempts()
        todo = []
        for st in statuses:
            if st.state in RESUBMIT_STATES or st.state == "SUBMITTING":
                jd = sweep.job(st.name)
                if st.state != "UNSUBMITTED":
                    archive_attempt(jd, last_of(index, st.name))
                todo.append(jd)
        submit(sweep, todo, opts)
    return [jd.name for jd in todo], statuses


def cancel(sweep: SweepDir) -> list:
    """Cancel every job of the sweep that has not ended; returns their names."""
    with sweep.locked():
        sweep.cancel_marker.touch()
        recover_submitting(sweep)
        statuses = job_statuses(sweep, write_back=False)
        live = [s for s in statuses if not s.final]
        slurm_ids = [s.job_id for s in live if s.executor == "slurm" and s.job_id]
        SlurmExecutor.cancel(slurm_ids)
        for s in live:      # jobs that never started: nothing will ever write their manifest
            if s.state in ("UNSUBMITTED", "SUBMITTING"):
                reconcile_manifest(sweep.job(s.name), "CANCELLED", "cancelled by `cancel`")
    return [s.name for s in live]


def wait(sweep: SweepDir, poll_s: float = 2.0, progress: bool = True) -> list:
    """Block until every job has ended, showing a progress bar; returns the final statuses.

    On a terminal the bar redraws in place; where stderr is a file or a pipe (``make demo | tee``,
    a CI log) a redraw is a new line, so there one line is written only when the jobs' states
    change."""
    from tqdm import tqdm
    statuses = job_statuses(sweep)
    tty = progress and sys.stderr.isatty()
    bar = tqdm(total=len(statuses), unit="job", desc="sweep", file=sys.stderr,
               disable=not tty, dynamic_ncols=True)
    t0, done, said = time.time(), 0, None
    try:
        while True:
            n = sum(s.final or s.state in SETTLED_STATES for s in statuses)
            bar.update(n - done)
            done = n
            state = summary(statuses)
            bar.set_postfix_str(state, refresh=True)
            if progress and not tty and state != said:
                print(f"sweep: {n}/{len(statuses)} ended after {time.time() - t0:.0f} s "
                      f"[{state}]", file=sys.stderr, flush=True)
                said = state
            if n == len(statuses):
                return statuses
            # sacct trails squeue by seconds: poll fast first, then gently
            time.sleep(min(poll_s, 0.5 + (time.time() - t0) / 20))
            statuses = job_statuses(sweep)
    finally:
        bar.close()
