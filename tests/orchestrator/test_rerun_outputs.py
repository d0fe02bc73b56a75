"""A rerun never reads an earlier run's log: what a run left in the reused checkout is moved
into the job folder (``stale/<stage>/attempt-<N>/``) before the stage starts, recorded in the
manifest, and the stage's collected logs are its own (orchestrator/job/stale.py).

The framework is a real git repository whose train.py writes as the pinned frameworks do:
``pysf`` appends PySlowFast 8299c98's ``json_stats`` lines to ``work_dirs/<job>/stdout.log``
(as ``OUTPUT_DIR/stdout.log``, opened in append mode), ``mmcv`` writes a new timestamped
``work_dirs/<job>/<YYYYmmdd_HHMMSS>.log.json`` beside the earlier ones, ``shared`` writes
``shared/<job>.log`` for a while (a log glob that does not name the job). Jobs run through the
real CLI and job runner, local executor; each sweep gets its own folder, the checkout cache is
shared between them as a clone's ``.cache/checkouts`` is.
"""
import csv
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sweepkit as kit  # noqa: E402

from orchestrator.job.stale import names_job  # noqa: E402

TRAIN_PY = textwrap.dedent('''\
    import json, os, sys, time
    mode, job, n, time_diff, flag = sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:6]
    out = os.path.join("work_dirs", job)
    os.makedirs(out, exist_ok=True)
    if mode == "pysf":      # tools/run_net.py: OUTPUT_DIR/stdout.log, opened for appending
        with open(os.path.join(out, "stdout.log"), "a") as f:
            for i in range(1, n + 1):
                f.write('[07/06 10:00:05][INFO] logging.py:   96: json_stats: {"_type": '
                        '"train_iter", "epoch": "1/1", "eta": "0:00:59", "gpu_mem": "0.00 GB", '
                        '"iter": "%d/%d", "loss": 6.1, "lr": 0.010000, "time_diff": %s, '
                        '"top1_err": 100.0}\\n' % (i, n, time_diff))
    elif mode == "mmcv":    # mmcv 1.x: a new <timestamp>.log.json per run, the old ones stay
        while True:
            stamp = time.strftime("%Y%m%d_%H%M%S")
            path = os.path.join(out, stamp + ".log.json")
            if not os.path.exists(path):
                break
            time.sleep(0.3)
        with open(path, "w") as f:
            for i in range(10, 10 * n + 1, 10):
                f.write(json.dumps({"mode": "train", "epoch": 1, "iter": i, "lr": 0.01,
                                    "time": float(time_diff), "data_time": 0.02159}) + "\\n")
    elif mode == "shared":  # a fixed folder of the checkout, the job's file written for n s
        os.makedirs("shared", exist_ok=True)
        with open(os.path.join("shared", job + ".log"), "a") as f:
            for i in range(n * 5):
                f.write("%s iter %d time %s\\n" % (job, i + 1, time_diff))
                f.flush()
                time.sleep(0.2)
    if flag != "-" and not os.path.exists(flag):   # fails on its first run only (resume)
        open(flag, "w").close()
        sys.exit(1)
''')


@pytest.fixture
def framework(tmp_path):
    path = tmp_path / "framework"
    path.mkdir()
    kit.git("init", "-q", cwd=path)
    (path / "train.py").write_text(TRAIN_PY)
    kit.git("add", "train.py", cwd=path)
    kit.git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "framework",
            cwd=path)
    return path, kit.git("rev-parse", "HEAD", cwd=path)


def write_spec(tmp_path, framework, cells: dict, log_globs, name="spec.yaml") -> Path:
    """cells: {cell id: (mode, records, flag)}; the framework key is ``pyslowfast`` so that
    collect reads the logs with PySlowFast's parser. ``${TIME_DIFF}`` tells runs apart."""
    path, commit = framework
    spec = {
        "table": "demo", "title": "rerun tests",
        "variables": {"TIME_DIFF": {"default": "0.900000"}},
        "frameworks": {"pyslowfast": {
            "repo": str(path), "commit": commit, "launcher": "per_node", "time_limit": 5,
            "resources": {"gpus_per_node": 1}, "log_globs": log_globs,
            "outputs": ["work_dirs", "shared"]}},
        "cells": [{"id": cid, "model": cid, "input": "x", "io_backend": "Disk",
                   "batch_per_gpu": 1, "gpus": 1,
                   "entries": {"pyslowfast": {"status": "run", "command": [
                       sys.executable, "train.py", mode, "${JOB_NAME}", str(n), "${TIME_DIFF}",
                       flag]}}}
                  for cid, (mode, n, flag) in cells.items()],
    }
    out = tmp_path / name
    out.write_text(json.dumps(spec, indent=1))
    return out


def sweep(tmp_path, spec, out, time_diff, wait=True, expect=0):
    args = ["sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
            "--cache", tmp_path / "cache", "--set", f"TIME_DIFF={time_diff}"]
    r = kit.cli(*args, *(["--wait"] if wait else []))
    assert r.returncode == expect, r.stderr[-3000:]
    return out


def stage(out, job) -> dict:
    return json.loads((out / "jobs" / job / "manifest.json").read_text())["stages"][0]


def time_diffs(text: str) -> list:
    return [json.loads(line.split("json_stats: ", 1)[1])["time_diff"]
            for line in text.splitlines() if "json_stats: " in line]


JOB = "demo--a--pyslowfast--r0"
SOURCE = f"work_dirs/{JOB}/stdout.log"


def test_a_rerun_in_a_reused_checkout_collects_only_its_own_appended_records(tmp_path, framework):
    spec = write_spec(tmp_path, framework, {"a": ("pysf", 60, "-")},
                      ["work_dirs/${JOB_NAME}/stdout.log"])
    first = sweep(tmp_path, spec, tmp_path / "first", "0.900000")
    assert stage(first, JOB)["stale_outputs"] == []          # a fresh checkout: nothing there
    second = sweep(tmp_path, spec, tmp_path / "second", "0.300000")

    rec = stage(second, JOB)
    job = second / "jobs" / JOB
    # the earlier run's file, whole, in the job folder's stale place, recorded in the manifest
    assert rec["stale_outputs"] == [
        {"from": SOURCE, "to": f"stale/main/attempt-1/{SOURCE}"}]
    assert time_diffs((job / "stale/main/attempt-1" / SOURCE).read_text()) == [0.9] * 60
    assert f"moved 1 file(s) an earlier run left in the working dir to stale/main/attempt-1/" \
           in (job / "stderr.log").read_text()
    # the collected log holds this run's 60 records only
    (log,) = rec["log_files"]
    assert log["source"] == SOURCE
    assert time_diffs((job / log["path"]).read_text()) == [0.3] * 60
    # and the figure is this run's: 10 records after the 50-iteration warm-up, all 0.3 s
    kit.cli("collect", second, "-o", second / "results.csv", check=True)
    (row,) = csv.DictReader(open(second / "results.csv", newline=""))
    assert (row["status"], row["s_per_iter"], row["n_used"]) == ("COMPLETED", "0.300000", "10")
    # the first sweep's own copy is untouched
    (old,) = stage(first, JOB)["log_files"]
    assert time_diffs((first / "jobs" / JOB / old["path"]).read_text()) == [0.9] * 60


def test_resume_moves_the_failed_attempts_file_into_attempt_2s_stale_place(tmp_path, framework):
    flag = tmp_path / "failed-once"
    spec = write_spec(tmp_path, framework, {"a": ("pysf", 60, str(flag))},
                      ["work_dirs/${JOB_NAME}/stdout.log"])
    out = sweep(tmp_path, spec, tmp_path / "sweep", "0.700000", expect=1)
    assert json.loads((out / "jobs" / JOB / "manifest.json").read_text())["status"] == "FAILED"
    r = kit.cli("resume", out, "--wait")
    assert r.returncode == 0, r.stderr[-3000:]

    job = out / "jobs" / JOB
    m = json.loads((job / "manifest.json").read_text())
    assert (m["status"], m["attempt"]) == ("COMPLETED", 2)
    assert m["stages"][0]["stale_outputs"] == [
        {"from": SOURCE, "to": f"stale/main/attempt-2/{SOURCE}"}]
    assert time_diffs((job / "stale/main/attempt-2" / SOURCE).read_text()) == [0.7] * 60
    (log,) = m["stages"][0]["log_files"]
    assert len(time_diffs((job / log["path"]).read_text())) == 60      # not 120
    # attempt 1's copy of the same log stays with attempt 1
    first = json.loads((job / "attempts/1/manifest.json").read_text())["stages"][0]
    assert first["log_files"][0]["path"] == f"logs/main/{SOURCE}"
    assert len(time_diffs((job / "attempts/1/logs/main" / SOURCE).read_text())) == 60


def test_a_rerun_of_an_mmcv_like_framework_collects_only_its_new_timestamped_log(tmp_path,
                                                                                 framework):
    spec = write_spec(tmp_path, framework, {"a": ("mmcv", 6, "-")},
                      ["work_dirs/${JOB_NAME}/*.log.json"])
    first = sweep(tmp_path, spec, tmp_path / "first", "2.0")
    (old,) = stage(first, JOB)["log_files"]
    time.sleep(1.1)                    # a new second: mmcv names its log by the start time
    second = sweep(tmp_path, spec, tmp_path / "second", "0.5")

    rec = stage(second, JOB)
    assert rec["stale_outputs"] == [
        {"from": old["source"], "to": f"stale/main/attempt-1/{old['source']}"}]
    (new,) = rec["log_files"]
    assert new["source"] != old["source"] and new["source"].endswith(".log.json")
    times = {json.loads(line)["time"]
             for line in (second / "jobs" / JOB / new["path"]).read_text().splitlines()}
    assert times == {0.5}


def test_a_glob_not_naming_the_job_never_takes_another_running_jobs_file(tmp_path, framework):
    """Two jobs of one checkout at once: B starts while A writes shared/<A>.log, and B's glob
    ``shared/*.log`` matches it. B leaves it in place and does not collect it; A keeps it. Once
    nobody runs, a rerun of B moves the earlier files of that glob aside."""
    a, b = "demo--a--pyslowfast--r0", "demo--b--pyslowfast--r0"
    spec_a = write_spec(tmp_path, framework, {"a": ("shared", 15, "-")}, ["shared/*.log"],
                        name="a.yaml")
    spec_b = write_spec(tmp_path, framework, {"b": ("shared", 1, "-")}, ["shared/*.log"],
                        name="b.yaml")
    out_a = sweep(tmp_path, spec_a, tmp_path / "sweep-a", "1.0", wait=False)
    kit.wait_until(lambda: next((tmp_path / "cache" / "worktrees").glob(f"*/shared/{a}.log"),
                                None), timeout=60, what="job A to write its log")
    out_b = sweep(tmp_path, spec_b, tmp_path / "sweep-b", "2.0")
    kit.wait_until(lambda: json.loads((out_a / "jobs" / a / "manifest.json").read_text())
                   ["status"] == "COMPLETED", timeout=60, what="job A to end")

    rec_b = stage(out_b, b)
    assert rec_b["stale_outputs"] == []
    assert [(x["path"], x["why"].split(":")[0]) for x in rec_b["outputs_left_in_place"]] == [
        (f"shared/{a}.log", "another job of this checkout is running")]
    assert [x["source"] for x in rec_b["log_files"]] == [f"shared/{b}.log"]
    assert "left 1 earlier file(s) in place, not collected" in \
        (out_b / "jobs" / b / "stderr.log").read_text()
    rec_a = stage(out_a, a)
    assert {x["source"] for x in rec_a["log_files"]} >= {f"shared/{a}.log"}
    assert (out_a / "jobs" / a / "logs/main/shared" / f"{a}.log").read_text().count("iter") == 75

    # nobody runs now: the earlier files of the glob are moved, this run's is the only one
    again = sweep(tmp_path, spec_b, tmp_path / "sweep-b2", "3.0")
    rec = stage(again, b)
    assert sorted(x["from"] for x in rec["stale_outputs"]) == [f"shared/{a}.log",
                                                               f"shared/{b}.log"]
    assert [x["source"] for x in rec["log_files"]] == [f"shared/{b}.log"]
    assert "outputs_left_in_place" not in rec


@pytest.mark.parametrize("pattern, job, expect", [
    ("work_dirs/rerun--a--fw--r1/*.log", "rerun--a--fw--r1", True),
    ("work_dirs/rerun--a--fw--r1/tem/*.log", "rerun--a--fw--r1", True),
    ("work_dirs/rerun--a--fw--r1/pysf_i3d.log", "rerun--a--fw--r1", True),
    ("work_dirs/rerun--a--fw--r10/*.log", "rerun--a--fw--r1", False),   # another repeat's
    ("*.log", "rerun--a--fw--r1", False),
    ("checkpoint/*.log", "rerun--a--fw--r1", False),
    ("work_dirs/*/stdout.log", "rerun--a--fw--r1", False),
])
def test_a_glob_names_the_job_only_with_its_whole_name(pattern, job, expect):
    assert names_job(pattern, job) is expect
