"""Submitting a 100-job sweep vs. one bare ``sbatch --array=0-99``, measured in the same run.

Why: a sweep writes a folder per job (job.json, plan.json, command.sh, manifest.json) and
checks the checkouts, then submits through submitit; none of that may make submitting slow.
Target: the submission step (``sweep.submit`` of the 100 prepared job folders: grouping into
arrays, the submission record written before and after sbatch, submitit's pickle and sbatch
script, the ``sbatch`` itself) takes at most 2x one ``sbatch --array=0-99`` of a trivial
script; the whole ``sweep`` (spec loading, expansion, pin check, job folders, submission) is
reported beside it. The submission is also split into the ``sbatch`` process submitit runs and
everything else (Python and files), to show where the floor is. Both sides submit held jobs
(``--hold``), cancelled right after, so nothing runs and the machine stays quiet. Skipped, with
the reason, where Slurm is not up (``bash ci/slurm/up.sh``).
"""
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_JOBS = 100
ROUNDS = 7          # interleaved rounds, medians over them (the machine may be shared); each
                    # round leaves 200 cancelled records in slurmctld for MinJobAge (MaxJobCount)
TARGET = 2.0


def slurm_problem() -> str:
    if shutil.which("sbatch") is None or shutil.which("sinfo") is None:
        return "sbatch/sinfo not found (start Slurm with `bash ci/slurm/up.sh`)"
    r = subprocess.run(["sinfo", "-h", "-o", "%P %a"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or " up" not in r.stdout:
        return f"Slurm does not answer: {(r.stderr or r.stdout).strip()[:200]}"
    return ""


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_spec(base: Path) -> Path:
    repo = base / "framework"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "train.py").write_text("print('training')\n")
    git("add", "train.py", cwd=repo)
    git("-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "f", cwd=repo)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, stdout=subprocess.PIPE,
                            text=True, check=True).stdout.strip()
    spec = {
        "table": "demo", "title": "bench",
        "frameworks": {"fw": {"repo": str(repo), "commit": commit, "launcher": "per_node",
                              "time_limit": 5, "resources": {"gpus_per_node": 1},
                              "log_globs": ["*.log"]}},
        "cells": [{"id": f"c{i:03d}", "model": f"m{i}", "input": "x", "io_backend": "Disk",
                   "batch_per_gpu": 1, "gpus": 1,
                   "entries": {"fw": {"status": "run", "command": [sys.executable, "train.py",
                                                                   "--seed", str(i)]}}}
                  for i in range(N_JOBS)],
    }
    path = base / "bench.yaml"
    path.write_text(json.dumps(spec))
    return path


def scancel_array(job_id: str) -> None:
    subprocess.run(["scancel", job_id.split("_")[0]], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def time_bare_array(base: Path, partition: str) -> float:
    script = base / "trivial.sh"
    script.write_text("#!/bin/bash\ntrue\n")
    t0 = time.perf_counter()
    r = subprocess.run(["sbatch", "--parsable", "--hold", f"--array=0-{N_JOBS - 1}",
                        f"--partition={partition}", "--output=/dev/null", str(script)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"sbatch failed: {r.stderr.strip()}")
    scancel_array(r.stdout.strip().split(";")[0])
    return dt


class SbatchClock:
    """Times the commands submitit runs (its ``CommandFunction``: the ``sbatch`` process) while
    in use; the commands still run for real."""

    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        from submitit.core import utils
        self.cls, self.orig = utils.CommandFunction, utils.CommandFunction.__call__
        clock, orig = self, self.orig

        def timed(fn_self, *args, **kwargs):
            t0 = time.perf_counter()
            try:
                return orig(fn_self, *args, **kwargs)
            finally:
                clock.seconds += time.perf_counter() - t0
        self.cls.__call__ = timed
        return self

    def __exit__(self, *exc):
        self.cls.__call__ = self.orig


def time_sweep(spec: Path, out: Path, cache: Path, partition: str) -> tuple:
    """(seconds of the submission step, seconds of the whole sweep, seconds of sbatch inside
    the submission): the steps of ``sweep.start_sweep``, timed apart."""
    from orchestrator.sweep.options import SweepOptions
    from orchestrator.sweep.start import expand_specs, prepare_checkouts, source_key, write_job
    from orchestrator.sweep.submit import submit
    from orchestrator.sweep.sweepdir import SweepDir, now_iso
    opts = SweepOptions(partition=partition, executor="slurm", out=out, cache_dir=cache,
                           cpu_only=True, slurm_args={"hold": True})
    t0 = time.perf_counter()
    ex = expand_specs([spec], opts)
    checkouts = prepare_checkouts(ex.jobs, opts)
    sweep = SweepDir.create(out, {"created": now_iso(), "spec_files": ex.spec_files})
    with sweep.locked():
        dirs = [write_job(sweep, job, opts, checkouts[source_key(job.source)])
                for job in ex.jobs]
        with SbatchClock() as sbatch:
            t1 = time.perf_counter()
            submit(sweep, dirs, opts)
            t2 = time.perf_counter()
    ids = {jd.last_attempt()["job_id"] for jd in SweepDir.open(sweep.root).job_dirs()}
    assert len(ids) == N_JOBS, ids
    for main in {i.split("_")[0] for i in ids}:
        scancel_array(main)
    return t2 - t1, t2 - t0, sbatch.seconds


def main(argv=None) -> int:
    problem = slurm_problem()
    if problem:
        print(f"bench_submit: skipped: {problem}")
        return 0
    import contextlib
    import io
    partition = "debug"
    with tempfile.TemporaryDirectory(prefix="vidbench-bench-submit-") as tmp:
        base = Path(tmp)
        spec = make_spec(base)
        cache = base / "cache"
        quiet = io.StringIO()
        with contextlib.redirect_stderr(quiet):     # warm-up: imports, the bare clone
            time_sweep(spec, base / "warmup", cache, partition)
        time_bare_array(base, partition)
        subs, sweeps, bares, inner = [], [], [], []
        for i in range(ROUNDS):        # interleaved, so both see the same load
            bares.append(time_bare_array(base, partition))
            with contextlib.redirect_stderr(quiet):
                sub, whole, sb = time_sweep(spec, base / f"sweep{i}", cache, partition)
            subs.append(sub)
            sweeps.append(whole)
            inner.append(sb)
    b, s, w, sb = (statistics.median(x) for x in (bares, subs, sweeps, inner))
    rest = statistics.median(x - y for x, y in zip(subs, inner))
    ratio = s / b
    print(f"sbatch --array=0-{N_JOBS - 1} (trivial script): median {b * 1000:.0f} ms "
          f"(min {min(bares) * 1000:.0f}) over {ROUNDS} rounds")
    print(f"submitting {N_JOBS} prepared jobs (one submitit array: one pickle, one sbatch, "
          f"the submission record before and after): median {s * 1000:.0f} ms (min "
          f"{min(subs) * 1000:.0f})")
    print(f"  of which the sbatch process submitit runs: median {sb * 1000:.1f} ms; everything "
          f"else (grouping, record, pickle, script, Python): median {rest * 1000:.1f} ms")
    print(f"whole sweep (spec -> pin check -> {N_JOBS} job folders -> submission): median "
          f"{w * 1000:.0f} ms (min {min(sweeps) * 1000:.0f}), {w / b:.1f}x the bare array, "
          f"{w / N_JOBS * 1000:.1f} ms per job")
    print(f"ratio submission / bare sbatch array: {ratio:.2f}x (target <= {TARGET:.1f}x): "
          f"{'OK' if ratio <= TARGET else 'OVER TARGET'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
