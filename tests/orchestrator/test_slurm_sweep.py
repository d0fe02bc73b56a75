"""Sweeps on a real one-node Slurm (ci/slurm/up.sh): job arrays through sbatch, a cancelled
job, a timed-out job, and `resume` after the orchestrator was killed with SIGKILL at the worst
moments: nothing lost, nothing run twice (every job appends to a marker file once per run).

The cluster has 2 fake GPUs and every job asks for one, so at most two run at once. The
timed-out job needs Slurm's 1-minute granularity (60-90 s), so it is submitted first by a
module fixture and checked last, while the other tests run beside it.
"""
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import submitit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sweepkit as kit  # noqa: E402

WHY = kit.slurm_unavailable()
pytestmark = [pytest.mark.slurm,
              pytest.mark.skipif(bool(WHY), reason=f"real Slurm needed: {WHY}")]
PARTITION = os.environ.get("VIDBENCH_SLURM_GPU_PARTITION", "gpu")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    base = tmp_path_factory.mktemp("slurm")
    commit = kit.make_repo(base / "framework")
    yield base, commit
    for sweep_json in base.glob("*/sweep.json"):   # leave no job holding a (fake) GPU
        kit.cli("cancel", sweep_json.parent)


def all_ended(out, expect=None):
    """The states once no job is queued or running (or all are ``expect``), else None."""
    st = states(out)
    if expect is not None:
        return st if all(v["state"] == expect for v in st.values()) else None
    return st if all(v["state"] not in ("PENDING", "RUNNING", "SUBMITTING")
                     for v in st.values()) else None


def sweep_cmd(base, commit, name, entries, *extra, time_limit=5, wait=False, gpus=False):
    """Arguments of a sweep of ``entries``; CPU-only unless ``gpus`` (the cluster has 2 fake
    GPUs, shared with whoever else uses it)."""
    marker = base / f"{name}.marker"
    spec = kit.write_spec(base / f"{name}.yaml", base / "framework", commit, marker, entries,
                          time_limit=time_limit)
    out = base / name
    args = ["sweep", spec, "--partition", PARTITION, "--out", out, "--cache", base / "cache",
            *extra] + (["--wait"] if wait else []) + ([] if gpus else ["--cpu-only"])
    return out, marker, args


@pytest.fixture(scope="module")
def timeout_sweep(workspace):
    """Submitted before the other tests, asserted in the last one."""
    base, commit = workspace
    out, marker, args = sweep_cmd(base, commit, "timeout", {"slow": (600, 0)}, time_limit=1)
    r = kit.cli(*args)
    assert r.returncode == 0, r.stderr
    return out, marker, time.time()


def states(out) -> dict:
    r = kit.cli("status", out, "--json", check=True)
    return {d["name"]: d for d in map(json.loads, r.stdout.splitlines())}


def test_a_sweep_of_several_jobs_runs_through_sbatch_as_one_array(workspace, timeout_sweep):
    base, commit = workspace
    out, marker, args = sweep_cmd(base, commit, "basic",
                                  {"a": (0, 0), "b": (0, 3), "c": (0.5, 0), "d": (0, 0)},
                                  wait=True, gpus=True)
    t0 = time.time()
    r = kit.cli(*args)
    assert r.returncode == 1, r.stderr          # b fails, so --wait exits 1
    assert r.stdout.strip() == str(out)
    assert "sbatch: 4 job(s) as vidbench-" in r.stderr and "(array " in r.stderr
    st = states(out)
    assert {n: s["state"] for n, s in st.items()} == {
        "demo--a--fw--r0": "COMPLETED", "demo--b--fw--r0": "FAILED",
        "demo--c--fw--r0": "COMPLETED", "demo--d--fw--r0": "COMPLETED"}
    array = {s["job_id"].split("_")[0] for s in st.values()}
    assert len(array) == 1                       # one sbatch for the four jobs
    main = array.pop()
    assert sorted(s["job_id"] for s in st.values()) == [f"{main}_{i}" for i in range(4)]
    # each job ran once, inside its own Slurm job, and recorded where
    lines = kit.marker_lines(marker)
    assert sorted(ln.split()[0] for ln in lines) == sorted(st)
    m = kit.manifests(out)
    for name, s in st.items():
        assert m[name]["slurm_job_id"] == s["job_id"]
        assert m[name]["host"] == os.environ.get("VIDBENCH_SLURM_NODE", os.uname().nodename)
        assert m[name]["executor"] == "slurm" and m[name]["attempt"] == 1
        # the job linked its folder to submitit's files of its array, which line up with
        # submitit's own idea of them (its logs and result pickle for this job id)
        link = out / "jobs" / name / "submitit"
        assert link.is_symlink() and link.resolve().parent == (out / "submitit").resolve()
        sjob = submitit.SlurmJob(folder=link.resolve(), job_id=s["job_id"])
        assert sjob.paths.stdout.is_file() and sjob.paths.stderr.is_file()
        assert f"job_id={s['job_id']}," in sjob.paths.stdout.read_text()   # submitit ran it
        with open(sjob.paths.result_pickle, "rb") as f:
            outcome, result = pickle.load(f)
        assert outcome == "success" and result["status"] == s["state"]
    # one submission record for the array, named with its id, listing the four as attempt 1
    records = list((out / "submissions").glob("*.json"))
    assert len(records) == 1 and records[0].name.endswith(f".{main}.json")
    rec = json.loads(records[0].read_text())
    assert sorted(rec["members"]) == [[n, 1] for n in sorted(st)]
    assert not list((out / "jobs").glob("*/submission.json"))
    envinfo = json.loads((out / "jobs/demo--a--fw--r0/envinfo.json").read_text())
    assert envinfo["cuda_visible_devices"] in ("0", "1")     # the (fake) GPU Slurm gave it
    assert m["demo--b--fw--r0"]["exit_status"] == 3
    assert "stage exited with status 3" in st["demo--b--fw--r0"]["reason"]
    log = m["demo--a--fw--r0"]["stages"][0]["log_files"][0]
    assert (out / "jobs/demo--a--fw--r0" / log["path"]).read_text() == "iter 1 time 0.5\n"
    # sacct agrees: Slurm ran the job runner to its end for every job (b's stage failed).
    # slurmdbd records a job's end a few seconds after the job has written its files (CI once
    # saw an empty answer right after --wait returned), so ask until it answers
    def sacct_state():
        r = subprocess.run(["sacct", "-X", "-n", "-P", "-j", st["demo--a--fw--r0"]["job_id"],
                            "-o", "State"], stdout=subprocess.PIPE, text=True)
        state = r.stdout.strip()
        return state if state not in ("", "RUNNING", "COMPLETING") else None
    assert kit.wait_until(sacct_state, timeout=60, what="sacct to record the job's end") == "COMPLETED"
    print(f"4-job sweep through Slurm: {time.time() - t0:.1f} s")


def test_cancel_stops_running_and_pending_jobs(workspace, timeout_sweep):
    base, commit = workspace
    out, marker, args = sweep_cmd(base, commit, "cancel", {"long": (600, 0), "queued": (600, 0),
                                                           "later": (600, 0)})
    r = kit.cli(*args)
    assert r.returncode == 0, r.stderr
    kit.wait_until(lambda: kit.marker_lines(marker), timeout=60, what="a job to start")
    t0 = time.time()
    r = kit.cli("cancel", out)
    assert r.returncode == 0 and "cancelled 3 job(s)" in r.stderr, r.stderr
    # the runner of a started job records "cancelled by `cancel`" itself when scancel's SIGTERM
    # reaches it; until slurmdbd has the job's end (seconds later), status trusts that record.
    # Wait for sacct's word on every job (a run without ../shared once looked too early)
    def cancelled_in_sacct():
        st = all_ended(out, "CANCELLED")
        return st if st and all(v["reason"].startswith("Slurm: CANCELLED") for v in st.values()) \
            else None
    final = kit.wait_until(cancelled_in_sacct, timeout=60, what="all jobs CANCELLED in sacct")
    assert all(v["reason"].startswith("Slurm: CANCELLED") for v in final.values())
    print(f"cancel to CANCELLED: {time.time() - t0:.1f} s")
    # status wrote the verdict into the manifests; what had started, had started once
    assert {m["status"] for m in kit.manifests(out).values()} == {"CANCELLED"}
    names = [ln.split()[0] for ln in kit.marker_lines(marker)]
    assert 1 <= len(names) == len(set(names))


def _start_killable(args, env):
    e = dict(os.environ)
    e.update(env)
    return subprocess.Popen([sys.executable, "-m", "orchestrator", *map(str, args)], cwd=kit.ROOT,
                            env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_resume_after_sigkill_between_sbatch_and_recording_the_ids(workspace, timeout_sweep):
    """The worst moment: the array is in Slurm, but the ids were never written down. `resume`
    finds them by the array's job name and submits nothing again."""
    base, commit = workspace
    out, marker, args = sweep_cmd(base, commit, "killed", {"a": (0, 0), "b": (0, 0),
                                                           "c": (0, 0)})
    p = _start_killable(args, {"VIDBENCH_TEST_SLEEP_AFTER_SBATCH": "60"})
    seen = ""
    while "fault injection" not in seen:
        line = p.stderr.readline()
        assert line, f"sweep ended early: {seen}"
        seen += line
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    st = states(out)
    assert {s["state"] for s in st.values()} == {"SUBMITTING"}
    r = kit.cli("resume", out, "--wait")
    assert r.returncode == 0, r.stderr
    assert "recovered the Slurm ids of 3 job(s)" in r.stderr
    assert "resubmitted 0 job(s)" in r.stderr
    assert {s["state"] for s in states(out).values()} == {"COMPLETED"}
    lines = kit.marker_lines(marker)
    assert sorted(ln.split()[0] for ln in lines) == sorted(st)     # exactly once each


def test_resume_after_sigkill_while_waiting_reruns_only_what_failed(workspace, timeout_sweep):
    base, commit = workspace
    out, marker, args = sweep_cmd(base, commit, "waiting",
                                  {"ok": (0, 0), "flaky": (0, 99), "slow": (10, 0)}, wait=True)
    p = _start_killable(args, {})
    # killed while waiting: one job done, one failed, one still running
    kit.wait_until(lambda: kit.manifests(out).get("demo--flaky--fw--r0", {}).get("status") ==
                   "FAILED" and len(kit.marker_lines(marker)) == 3, timeout=60,
                   what="flaky to fail while slow runs")
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    r = kit.cli("resume", out, "--wait")
    assert r.returncode == 0, r.stderr
    st = states(out)
    assert {n: s["state"] for n, s in st.items()} == dict.fromkeys(st, "COMPLETED")
    assert st["demo--flaky--fw--r0"]["attempt"] == 2
    assert st["demo--ok--fw--r0"]["attempt"] == 1 and st["demo--slow--fw--r0"]["attempt"] == 1
    names = sorted(ln.split()[0] for ln in kit.marker_lines(marker))
    assert names == ["demo--flaky--fw--r0", "demo--flaky--fw--r0", "demo--ok--fw--r0",
                     "demo--slow--fw--r0"]
    # a second resume has nothing to do and changes nothing
    before = {n: m for n, m in kit.manifests(out).items()}
    r = kit.cli("resume", out)
    assert "resubmitted 0 job(s); 3 completed kept" in r.stderr
    assert kit.manifests(out) == before


def test_pin_check_refuses_before_sbatch(workspace):
    base, commit = workspace
    out, marker, args = sweep_cmd(base, commit, "badpin", {"a": (0, 0)})
    spec = json.loads(Path(args[1]).read_text())
    spec["frameworks"]["fw"]["commit"] = "f" * 40
    Path(args[1]).write_text(json.dumps(spec))
    r = kit.cli(*args)
    assert r.returncode == 1 and "error: pinned commit" in r.stderr and "f" * 40 in r.stderr
    assert not out.exists()


def test_a_job_over_its_time_limit_ends_as_timeout(timeout_sweep):
    out, marker, t0 = timeout_sweep
    final = kit.wait_until(lambda: all_ended(out), timeout=max(10, 150 - (time.time() - t0)),
                           poll=2, what="the 1-minute job to time out")
    assert {v["state"] for v in final.values()} == {"TIMEOUT"}
    m = kit.manifests(out)["demo--slow--fw--r0"]
    assert m["status"] == "TIMEOUT" and m["reason"].startswith("Slurm: TIMEOUT")
    assert len(kit.marker_lines(marker)) == 1
    print(f"1-minute limit reached after {time.time() - t0:.0f} s")
