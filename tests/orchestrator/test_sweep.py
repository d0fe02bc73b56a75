"""Sweeps without a cluster: dry-run scripts, safety of names and quoting, refusing to
overwrite, pin checks, the local executor end to end (real processes, real git repositories),
and the rules that turn a manifest plus a scheduler state into a job's state."""
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sweepkit as kit  # noqa: E402
from sweepkit import repo, spec_with  # noqa: E402,F401 (repo: a fixture)

from orchestrator.sweep.options import SweepOptions  # noqa: E402
from orchestrator.sweep.start import expand_specs, prepare_checkouts, source_key, write_job
from orchestrator.sweep.status import combine
from orchestrator.sweep.submit import new_batch
from orchestrator.errors import UserError  # noqa: E402
from orchestrator.sweep.executors import SchedulerState, expand_array_ids  # noqa: E402
from orchestrator.sweep.sweepdir import SweepDir, check_job_name  # noqa: E402




# --------------------------------------------------------------------------- dry run


def test_dry_run_prints_an_sbatch_script_per_job_and_creates_nothing(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"a": (0, 0), "b": (1, 0)}, time_limit=7)
    out = tmp_path / "sweep"
    r = kit.cli("sweep", spec, "--partition", "gpu", "--dry-run", "--out", out,
                "--cache", tmp_path / "cache", "--account", "proj1", "--qos", "high",
                "--constraint", "v100", "--slurm-arg", "reservation=bench")
    assert r.returncode == 0, r.stderr
    scripts = r.stdout.split("# ==== job ")[1:]
    assert len(scripts) == 2
    for name, script in zip(["demo--a--fw--r0", "demo--b--fw--r0"], scripts):
        assert script.startswith(f"{scripts.index(script) + 1}/2: {name} ")
        lines = script.splitlines()
        assert "#!/bin/bash" in lines
        for flag in ("--partition=gpu", "--time=7", "--gpus-per-node=1", "--nodes=1",
                     "--account=proj1", "--qos=high", "--constraint=v100",
                     "--reservation=bench", f"--job-name={name}"):
            assert f"#SBATCH {flag}" in lines, (flag, script)
        # the full command of the job, in the script and in its command.sh
        expect = shlex.join([sys.executable, "work.py", str(tmp_path / "marker"), name])
        assert any(line.startswith("# stage main: " + expect) for line in lines)
        assert any(line.strip().startswith("exec " + expect) for line in lines)
    assert not out.exists() and not (tmp_path / "cache").exists()
    assert "2 job(s)" in r.stderr and "nothing was created or submitted" in r.stderr


def test_unsupported_entries_are_not_jobs_and_todo_entries_are(tmp_path, repo):
    path, commit = repo
    spec = json.loads(spec_with(tmp_path, repo, {"a": (0, 0)}).read_text())
    spec["frameworks"]["other"] = dict(spec["frameworks"]["fw"])
    spec["cells"][0]["entries"]["other"] = {"status": "unsupported", "reason": "page x"}
    spec["cells"].append(dict(spec["cells"][0], id="b", model="b", entries={
        "fw": dict(spec["cells"][0]["entries"]["fw"], status="todo"),
        "other": {"status": "unsupported", "reason": "page x"}}))
    (tmp_path / "spec.yaml").write_text(json.dumps(spec))
    r = kit.cli("sweep", tmp_path / "spec.yaml", "--partition", "gpu", "--dry-run")
    assert r.returncode == 0, r.stderr
    names = [line.split()[4] for line in r.stdout.splitlines() if line.startswith("# ==== job")]
    assert names == ["demo--a--fw--r0", "demo--b--fw--r0"]
    assert "2 unsupported cell(s) not submitted" in r.stderr


def test_only_and_repeats_select_jobs(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"a": (0, 0), "b": (0, 0), "c": (0, 0)})
    r = kit.cli("sweep", spec, "--partition", "gpu", "--dry-run", "--only", "*--b--*,c",
                "--repeats", "2")
    names = [line.split()[4] for line in r.stdout.splitlines() if line.startswith("# ==== job")]
    assert names == ["demo--b--fw--r0", "demo--b--fw--r1", "demo--c--fw--r0", "demo--c--fw--r1"]
    r = kit.cli("sweep", spec, "--partition", "gpu", "--dry-run", "--only", "nothing-like-it")
    assert r.returncode == 1 and r.stderr.startswith("error: no job to run in ")
    assert "Traceback" not in r.stderr


# --------------------------------------------------------------------------- safety


def test_job_names_cannot_escape_the_sweep_folder(tmp_path):
    sweep = SweepDir.create(tmp_path / "s", {"created": "now"})
    for bad in ("../x", "..", ".", "a/b", "/etc", ".hidden", "", "a\nb", "x" * 201):
        with pytest.raises(UserError):
            sweep.job(bad)
    assert sweep.job("ok-name_1.2").path == tmp_path / "s" / "jobs" / "ok-name_1.2"
    assert check_job_name("recognition--tsn--256p-rawframes--mmaction2--r0")


def test_a_second_sweep_into_the_same_folder_refuses(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"a": (0, 0)})
    out = tmp_path / "sweep"
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache", "--wait")
    assert r.returncode == 0, r.stderr
    before = (out / "sweep.json").read_bytes(), (out / "jobs/demo--a--fw--r0/manifest.json"
                                                 ).read_bytes()
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache")
    assert r.returncode == 1
    assert r.stderr.startswith(f"error: {out}: already holds a sweep") and "resume" in r.stderr
    assert r.stderr.count("\n") == 1
    after = (out / "sweep.json").read_bytes(), (out / "jobs/demo--a--fw--r0/manifest.json"
                                                ).read_bytes()
    assert after == before
    assert kit.marker_lines(tmp_path / "marker") == ["demo--a--fw--r0 -"]


def test_spec_text_reaches_the_command_verbatim_never_a_shell(tmp_path, repo):
    """Arguments full of shell syntax arrive as the same argv strings; nothing is executed."""
    path, commit = repo
    evil = ["$(touch PWNED)", "`touch PWNED2`", "; touch PWNED3", "a b'c\"d", "$HOME", "*"]
    spec = json.loads(spec_with(tmp_path, repo, {"a": (0, 0)}).read_text())
    spec["cells"][0]["entries"]["fw"]["command"] = [
        sys.executable, "-c", "import json, sys; print('ARGV=' + json.dumps(sys.argv[1:]))",
        *evil, "$${MARKER}"]
    spec["frameworks"]["fw"]["env"] = {"EVIL": "$(touch PWNED4)"}
    (tmp_path / "spec.yaml").write_text(json.dumps(spec))
    out = tmp_path / "sweep"
    r = kit.cli("sweep", tmp_path / "spec.yaml", "--partition", "x", "--executor", "local",
                "--out", out, "--cache", tmp_path / "cache", "--wait")
    assert r.returncode == 0, r.stderr
    job = out / "jobs" / "demo--a--fw--r0"
    argv_line = [ln for ln in (job / "stdout.log").read_text().splitlines()
                 if ln.startswith("ARGV=")]
    assert json.loads(argv_line[0][5:]) == evil + ["${MARKER}"]
    for root in (tmp_path, Path.cwd(), kit.ROOT, job):
        assert not list(root.rglob("PWNED*")), root


# --------------------------------------------------------------------------- pin checks


def test_a_commit_missing_from_the_repository_is_refused_before_anything_runs(tmp_path, repo):
    path, commit = repo
    spec = kit.write_spec(tmp_path / "spec.yaml", path, "0" * 40, tmp_path / "marker",
                          {"a": (0, 0)})
    out = tmp_path / "sweep"
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache")
    last = r.stderr.strip().splitlines()[-1]
    assert r.returncode == 1 and last.startswith("error: pinned commit") and "0" * 40 in last
    assert "Traceback" not in r.stderr
    assert not out.exists() and not (tmp_path / "marker").exists()


def test_a_dirty_checkout_is_refused(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"a": (0, 0)})
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out",
                tmp_path / "s1", "--cache", tmp_path / "cache", "--wait")
    assert r.returncode == 0, r.stderr
    tree = Path(json.loads((tmp_path / "s1/jobs/demo--a--fw--r0/plan.json").read_text())["cwd"])
    (tree / "work.py").write_text("print('edited')\n")
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out",
                tmp_path / "s2", "--cache", tmp_path / "cache")
    assert r.returncode == 1 and "not clean" in r.stderr and "work.py" in r.stderr
    assert not (tmp_path / "s2").exists()
    assert kit.marker_lines(tmp_path / "marker") == ["demo--a--fw--r0 -"]


def test_the_job_itself_refuses_a_checkout_edited_after_submission(tmp_path, repo):
    """The pin is checked again when the job starts (it may start hours later)."""
    spec = spec_with(tmp_path, repo, {"a": (3, 0), "b": (0, 0)})
    out = tmp_path / "sweep"
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache")
    assert r.returncode == 0, r.stderr
    kit.wait_until(lambda: kit.marker_lines(tmp_path / "marker"), what="job a's command")
    tree = Path(kit.manifests(out)["demo--a--fw--r0"]["cwd"])
    (tree / "work.py").write_text("print('edited')\n")
    kit.wait_until(lambda: kit.manifests(out)["demo--b--fw--r0"]["status"] not in
                   ("PENDING", "RUNNING"), timeout=60, what="job b to end")
    m = kit.manifests(out)
    assert m["demo--a--fw--r0"]["status"] == "COMPLETED"   # started before the edit
    assert m["demo--b--fw--r0"]["status"] == "FAILED"
    assert m["demo--b--fw--r0"]["reason"].startswith("pin check refused: ")
    assert "work.py" in m["demo--b--fw--r0"]["reason"]
    assert kit.marker_lines(tmp_path / "marker") == ["demo--a--fw--r0 -"]


# --------------------------------------------------------------------------- local executor


def test_local_sweep_runs_each_job_once_records_provenance_and_resumes(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"ok": (0, 0), "flaky": (0, 99), "broken": (0, 3)})
    out = tmp_path / "sweep"
    t0 = time.time()
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out)            # only the folder on stdout
    assert time.time() - t0 < 30                   # submitting does not wait for the jobs
    # status works from another process, from the files
    kit.wait_until(lambda: "3 job(s): " in (s := kit.cli("status", out).stdout) and
                   "PENDING" not in s and "RUNNING" not in s, timeout=90, what="jobs to end")
    r = kit.cli("status", out, "--json")
    states = {d["name"]: d["state"] for d in map(json.loads, r.stdout.splitlines())}
    assert states == {"demo--ok--fw--r0": "COMPLETED", "demo--flaky--fw--r0": "FAILED",
                      "demo--broken--fw--r0": "FAILED"}
    m = kit.manifests(out)["demo--ok--fw--r0"]
    path, commit = repo
    assert m["commit"] == commit and m["checkout_head"] == commit
    assert m["exit_status"] == 0 and m["host"] == os.uname().nodename
    assert m["python"] == ".".join(map(str, sys.version_info[:3]))
    assert m["started"] <= m["finished"]
    assert m["stages"][0]["log_files"][0]["source"] == "out/demo--ok--fw--r0/train.log"
    log = out / "jobs/demo--ok--fw--r0" / m["stages"][0]["log_files"][0]["path"]
    assert log.read_text() == "iter 1 time 0.5\n"
    envinfo = json.loads((out / "jobs/demo--ok--fw--r0/envinfo.json").read_text())
    assert envinfo["python_executable"] and "pytest" in envinfo["packages"]
    assert kit.manifests(out)["demo--broken--fw--r0"]["exit_status"] == 3

    r = kit.cli("resume", out, "--wait")
    assert r.returncode == 1                        # broken stays broken
    assert "resubmitted 2 job(s); 1 completed kept" in r.stderr
    states = {n: m["status"] for n, m in kit.manifests(out).items()}
    assert states == {"demo--ok--fw--r0": "COMPLETED", "demo--flaky--fw--r0": "COMPLETED",
                      "demo--broken--fw--r0": "FAILED"}
    # the failed attempt is kept aside, the finished job never ran again
    first = json.loads((out / "jobs/demo--flaky--fw--r0/attempts/1/manifest.json").read_text())
    assert first["status"] == "FAILED" and first["attempt"] == 1
    assert kit.manifests(out)["demo--flaky--fw--r0"]["attempt"] == 2
    assert kit.marker_lines(tmp_path / "marker") == sorted(
        ["demo--ok--fw--r0 -", "demo--flaky--fw--r0 -", "demo--flaky--fw--r0 -",
         "demo--broken--fw--r0 -", "demo--broken--fw--r0 -"])


def test_local_cancel_and_timeout(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"long": (120, 0), "next": (0, 0)})
    out = tmp_path / "sweep"
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache")
    assert r.returncode == 0, r.stderr
    kit.wait_until(lambda: kit.marker_lines(tmp_path / "marker"), what="job started")
    t0 = time.time()
    r = kit.cli("cancel", out)
    assert r.returncode == 0 and "cancelled 2 job(s)" in r.stderr
    kit.wait_until(lambda: all(m["status"] == "CANCELLED" for m in kit.manifests(out).values()),
                   timeout=30, what="both jobs cancelled")
    assert time.time() - t0 < 20
    assert kit.marker_lines(tmp_path / "marker") == ["demo--long--fw--r0 -"]


def test_local_job_over_its_time_limit_times_out(tmp_path, repo):
    """The local runner enforces the spec's time limit (Slurm does it on a cluster); the job
    is prepared through the same functions as `sweep`, with its limit cut to 2 seconds."""
    from orchestrator.job import jobrun
    spec = spec_with(tmp_path, repo, {"slow": (60, 0)}, time_limit=1)
    sweep = SweepDir.create(tmp_path / "sweep", {"created": "now"})
    opts = SweepOptions(executor="local", cache_dir=tmp_path / "cache")
    ex = expand_specs([spec], opts)
    checkouts = prepare_checkouts(ex.jobs, opts)
    jd = write_job(sweep, ex.jobs[0], opts, checkouts[source_key(ex.jobs[0].source)])
    plan = json.loads(jd.plan_json.read_text())
    assert plan["time_limit_s"] == 60
    plan["time_limit_s"] = 2
    jd.plan_json.write_text(json.dumps(plan))
    batch = new_batch("local", [jd], sweep.attempts())   # what submit records
    sweep.write_batch({**batch, "job_id": str(os.getpid())})
    assert jd.last_attempt()["attempt"] == 1 and jd.last_attempt()["job_id"] == str(os.getpid())
    t0 = time.time()
    m = jobrun.run_job(str(jd.path), 1)
    assert m["status"] == "TIMEOUT" and 2 <= time.time() - t0 < 15
    assert m["reason"] == "time limit of 0 min reached" or m["reason"].startswith("time limit")
    assert jobrun.run_job(str(jd.path), 1)["status"] == "TIMEOUT"   # an attempt runs once
    assert kit.marker_lines(tmp_path / "marker") == ["demo--slow--fw--r0 -"]


def test_local_parallel_runs_jobs_side_by_side_in_separate_runners(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"a": (3, 0), "b": (3, 0)})
    out = tmp_path / "sweep"
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache", "--local-parallel", "2", "--wait")
    assert r.returncode == 0, r.stderr
    m = kit.manifests(out)
    a, b = m["demo--a--fw--r0"], m["demo--b--fw--r0"]
    assert a["status"] == b["status"] == "COMPLETED"
    # each sleeps 3 s: run one after another they could not overlap
    assert a["started"] < b["finished"] and b["started"] < a["finished"]
    st = {d["name"]: d for d in map(json.loads, kit.cli("status", out, "--json",
                                                        check=True).stdout.splitlines())}
    runners = {st[n]["job_id"] for n in m}
    assert len(runners) == 2
    for n in m:     # each job linked its folder to its runner's submitit files
        link = out / "jobs" / n / "submitit"
        assert link.resolve() == (out / "submitit" / st[n]["job_id"]).resolve()
        assert (link / f"{st[n]['job_id']}_0_log.out").is_file()


def test_local_runners_take_jobs_from_one_queue_so_none_idles_while_jobs_wait(tmp_path, repo):
    # dealt in turn, runner 1 would get a (15 s) and c, runner 2 b and d (1 s each): runner 2
    # would idle while c waited. From one queue, the runner that did not take a takes b, c and d
    # (unless it starts more than 15 s after the other: a runner takes about a second to start)
    spec = spec_with(tmp_path, repo, {"a": (15, 0), "b": (1, 0), "c": (1, 0), "d": (1, 0)},
                     time_limit=2)
    out = tmp_path / "sweep"
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache", "--local-parallel", "2", "--wait")
    assert r.returncode == 0, r.stderr
    assert "4 job(s) from a queue shared by 2 runners" in r.stderr
    m = kit.manifests(out)
    assert {v["status"] for v in m.values()} == {"COMPLETED"}
    st = {d["name"]: d for d in map(json.loads, kit.cli("status", out, "--json",
                                                        check=True).stdout.splitlines())}
    runner = {n[len("demo--"):-len("--fw--r0")]: st[n]["job_id"] for n in m}
    started = {n[len("demo--"):-len("--fw--r0")]: m[n]["started"] for n in m}
    assert runner["b"] == runner["c"] == runner["d"] != runner["a"], (runner, started)
    assert m["demo--c--fw--r0"]["started"] < m["demo--a--fw--r0"]["finished"]
    claims = sorted(p.name for p in (out / "submissions" / "claims").iterdir())
    assert claims == [f"demo--{c}--fw--r0.1" for c in "abcd"]          # one claim per job
    for n in m:     # the claim, the status and the job's own submitit link name the same runner
        assert (out / "submissions" / "claims" / f"{n}.1").read_text() == st[n]["job_id"] + "\n"
        assert (out / "jobs" / n / "submitit").resolve() == (out / "submitit" / st[n]["job_id"]).resolve()
    # the records still say which runner each job was dealt to, and which queue they shared
    batches = [json.loads(p.read_text()) for p in (out / "submissions").glob("*.json")]
    assert sorted(len(b["members"]) for b in batches) == [2, 2]
    assert len({b["queue"] for b in batches}) == 1


def test_a_claimed_job_is_running_while_its_runner_lives_whichever_runner_it_was_dealt_to(tmp_path):
    from orchestrator.sweep import sweepdir
    from orchestrator.sweep.status import job_statuses
    sweep = SweepDir.create(tmp_path / "sweep", {"created": "now"})
    names = ("demo--a--fw--r0", "demo--b--fw--r0")
    for name in names:
        (sweep.jobs_dir / name).mkdir(parents=True)
        (sweep.jobs_dir / name / "job.json").write_text("{}")
        (sweep.jobs_dir / name / "manifest.json").write_text('{"status": "PENDING"}')
    # a live process that `LocalExecutor.alive` takes for a runner (its command line names
    # submitit), and a runner that has ended
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "submitit"])
    ended = subprocess.Popen([sys.executable, "-c", "pass", "submitit"])
    ended.wait()
    try:
        here, gone = str(live.pid), str(ended.pid)
        a, b = (sweep.job(n) for n in names)
        sweep.write_batch({**new_batch("local", [a], {}), "queue": "q1", "job_id": gone})
        sweep.write_batch({**new_batch("local", [b], {}), "queue": "q1", "job_id": gone})
        assert {s.state for s in job_statuses(sweep, write_back=False)} == {"LOST"}
        # job a, dealt to the runner that ended, taken from the queue by the live one
        assert sweepdir.claim(sweep.root, names[0], 1, here)
        assert not sweepdir.claim(sweep.root, names[0], 1, gone)     # taken once only
        assert sweepdir.claimed_by(sweep.root, names[0], 1) == here
        st = {s.name: s for s in job_statuses(sweep, write_back=False)}
        assert (st[names[0]].state, st[names[0]].job_id) == ("PENDING", here)
        assert st[names[1]].state == "LOST"     # unclaimed, and every runner of its queue gone
    finally:
        live.kill()
        live.wait()


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize("manifest,attempt,sched,alive,cancel,expect", [
    ({"status": "COMPLETED"}, {"executor": "slurm", "job_id": "1"},
     SchedulerState("CANCELLED", "CANCELLED by 0"), None, False, "COMPLETED"),
    ({"status": "PENDING"}, None, None, None, False, "UNSUBMITTED"),
    ({"status": "PENDING"}, {"executor": "slurm", "job_id": None}, None, None, False,
     "SUBMITTING"),
    ({"status": "PENDING"}, {"executor": "slurm", "job_id": "1"}, None, None, False, "PENDING"),
    ({"status": "PENDING"}, {"executor": "slurm", "job_id": "1"},
     SchedulerState("RUNNING", "RUNNING"), None, False, "RUNNING"),
    ({"status": "FAILED"}, {"executor": "slurm", "job_id": "1"},
     SchedulerState("TIMEOUT", "TIMEOUT"), None, False, "TIMEOUT"),
    # the runner wrote this attempt's verdict and is exiting while Slurm still says RUNNING
    ({"status": "FAILED", "finished": "t", "attempt": 2},
     {"executor": "slurm", "job_id": "1", "attempt": 2},
     SchedulerState("RUNNING", "RUNNING"), None, False, "FAILED"),
    # a verdict of an earlier attempt does not count for the one Slurm is running now
    ({"status": "FAILED", "finished": "t", "attempt": 1},
     {"executor": "slurm", "job_id": "1", "attempt": 2},
     SchedulerState("RUNNING", "RUNNING"), None, False, "RUNNING"),
    ({"status": "RUNNING"}, {"executor": "slurm", "job_id": "1"},
     SchedulerState("CANCELLED", "CANCELLED by 0"), None, False, "CANCELLED"),
    ({"status": "FAILED"}, {"executor": "slurm", "job_id": "1"},
     SchedulerState("COMPLETED", "COMPLETED"), None, False, "FAILED"),
    ({"status": "RUNNING"}, {"executor": "slurm", "job_id": "1"},
     SchedulerState("COMPLETED", "COMPLETED"), None, False, "FAILED"),
    ({"status": "RUNNING"}, {"executor": "slurm", "job_id": "1"},
     SchedulerState("FAILED", "OUT_OF_MEMORY"), None, False, "FAILED"),
    ({"status": "RUNNING"}, {"executor": "local", "job_id": "9"}, None, True, False, "RUNNING"),
    ({"status": "RUNNING"}, {"executor": "local", "job_id": "9"}, None, False, False, "LOST"),
    ({"status": "PENDING"}, {"executor": "local", "job_id": "9"}, None, False, True,
     "CANCELLED"),
])
def test_job_state_rules(manifest, attempt, sched, alive, cancel, expect):
    assert combine(manifest, attempt, sched, alive, cancel)[0] == expect


def test_array_ids_are_expanded_as_sacct_prints_them():
    assert expand_array_ids("12_[0-2,5%4]") == ["12_0", "12_1", "12_2", "12_5"]
    assert expand_array_ids("12_[7]") == ["12_7"]
    assert expand_array_ids("12_3") == ["12_3"] and expand_array_ids("12") == ["12"]


def test_status_of_a_folder_that_is_not_a_sweep_is_a_one_line_error(tmp_path):
    r = kit.cli("status", tmp_path)
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"error: {tmp_path}: not a sweep folder")


def test_help_of_every_subcommand():
    for cmd in ("sweep", "status", "resume", "cancel"):
        r = kit.cli(cmd, "--help")
        assert r.returncode == 0 and "usage: python -m orchestrator " + cmd in r.stdout
