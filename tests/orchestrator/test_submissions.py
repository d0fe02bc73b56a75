"""Submission records (SWEEP_DIR/submissions/) and the one-pickle-per-array path, without a
cluster: what a job's attempts and Slurm ids read back as, the rename that records a job id,
records of an interrupted submission and of sweeps made before them, the setup lines that give
an array task submitit's pickle name, and a job refusing to run as a superseded attempt."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from submitit.core.utils import JobPaths

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sweepkit as kit  # noqa: E402

from orchestrator.job import jobrun  # noqa: E402
from orchestrator.sweep.options import SweepOptions  # noqa: E402
from orchestrator.sweep.start import expand_specs, prepare_checkouts, source_key, write_job
from orchestrator.sweep.status import combine
from orchestrator.sweep.submit import new_batch
from orchestrator.sweep.executors import array_task, task_setup_lines  # noqa: E402
from orchestrator.sweep.sweepdir import SweepDir  # noqa: E402

NAMES = ["demo--a--fw--r0", "demo--b--fw--r0", "demo--c--fw--r0"]


@pytest.fixture
def sweep(tmp_path):
    s = SweepDir.create(tmp_path / "sweep", {"created": "now"})
    for name in NAMES:
        (s.jobs_dir / name).mkdir()
        (s.jobs_dir / name / "job.json").write_text("{}")
    return s


def test_an_array_record_gives_member_i_the_id_array_i_once_sbatch_answered(sweep):
    dirs = [sweep.job(n) for n in NAMES]
    batch = new_batch("slurm", dirs, sweep.attempts(), array=True,
                         slurm_job_name="vidbench-x")
    sweep.write_batch(batch)
    files = sorted(p.name for p in sweep.submissions_dir.iterdir())
    assert files == [f"{batch['batch']}.json"]
    before = sweep.attempts()
    assert {n: [(a["attempt"], a["job_id"], a["state"]) for a in before[n]] for n in NAMES} == \
        {n: [(1, None, "submitting")] for n in NAMES}
    assert combine({"status": "PENDING"}, before[NAMES[0]][-1], None, None, False)[0] == \
        "SUBMITTING"
    sweep.batch_submitted(batch, "700")
    assert sorted(p.name for p in sweep.submissions_dir.iterdir()) == \
        [f"{batch['batch']}.700.json"]
    after = sweep.attempts()
    assert [after[n][-1]["job_id"] for n in NAMES] == ["700_0", "700_1", "700_2"]
    assert [after[n][-1]["index"] for n in NAMES] == [0, 1, 2]
    assert all(after[n][-1]["slurm_job_name"] == "vidbench-x" for n in NAMES)
    # the record is plain JSON, one member a line
    text = (sweep.submissions_dir / f"{batch['batch']}.700.json").read_text()
    assert json.loads(text)["members"] == [[n, 1] for n in NAMES]
    assert f'  ["{NAMES[1]}", 1],' in text.splitlines()

    # a resubmission of b alone: attempt 2, a plain job id
    again = new_batch("slurm", [sweep.job(NAMES[1])], sweep.attempts(), array=False)
    sweep.write_batch(again)
    sweep.batch_submitted(again, "801")
    b = sweep.job(NAMES[1])
    assert [(a["attempt"], a["job_id"]) for a in b.submission()["attempts"]] == \
        [(1, "700_1"), (2, "801")]
    assert b.last_attempt()["job_id"] == "801"
    assert sweep.job(NAMES[0]).last_attempt()["job_id"] == "700_0"


def test_a_recovered_record_replaces_the_intent_and_leaves_unfound_members_submitting(sweep):
    dirs = [sweep.job(n) for n in NAMES]
    batch = new_batch("slurm", dirs, {}, array=True, slurm_job_name="vidbench-y")
    sweep.write_batch(batch)
    sweep.write_batch({**batch, "job_id": "900", "recovered": True, "not_found": [2]})
    assert sorted(p.name for p in sweep.submissions_dir.iterdir()) == \
        [f"{batch['batch']}.900.json"]
    got = {n: sweep.attempts()[n][-1] for n in NAMES}
    assert [got[n]["job_id"] for n in NAMES] == ["900_0", "900_1", None]
    assert got[NAMES[0]]["recovered"] is True


def test_the_setup_lines_give_each_task_the_pickle_under_submitits_name(tmp_path):
    folder = tmp_path / "submitit" / "b1"
    folder.mkdir(parents=True)
    (folder / "batch_submitted.pkl").write_bytes(b"pickle")
    script = "\n".join(["set -e"] + task_setup_lines(folder))
    base = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    for env, job_id in [({"SLURM_JOB_ID": "12", "SLURM_ARRAY_JOB_ID": "10",
                          "SLURM_ARRAY_TASK_ID": "2"}, "10_2"),
                        ({"SLURM_JOB_ID": "9"}, "9")]:
        subprocess.run(["bash", "-c", script], env={**base, **env}, check=True)
        # where submitit's runner in that task looks for its pickle
        expect = JobPaths(folder, job_id=job_id).submitted_pickle
        assert expect.read_bytes() == b"pickle"
    assert sorted(p.name for p in folder.iterdir()) == \
        ["10_2_submitted.pkl", "9_submitted.pkl", "batch_submitted.pkl"]


def test_array_task_runs_the_call_of_its_index(monkeypatch):
    calls = [("a", 1), ("b", 2), ("c", 3)]
    assert array_task(lambda x, y: f"{x}{y}", calls, 1) == "b2"
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "2")
    assert array_task(lambda x, y: f"{x}{y}", calls) == "c3"
    monkeypatch.delenv("SLURM_ARRAY_TASK_ID")
    assert array_task(lambda x, y: f"{x}{y}", calls[:1]) == "a1"


def test_a_job_does_not_run_as_an_attempt_a_newer_one_superseded(tmp_path):
    path = tmp_path / "framework"
    commit = kit.make_repo(path)
    spec = kit.write_spec(tmp_path / "spec.yaml", path, commit, tmp_path / "marker",
                          {"a": (0, 0)})
    opts = SweepOptions(executor="local", cache_dir=tmp_path / "cache")
    ex = expand_specs([spec], opts)
    checkouts = prepare_checkouts(ex.jobs, opts)
    s = SweepDir.create(tmp_path / "sweep", {"created": "now"})
    jd = write_job(s, ex.jobs[0], opts, checkouts[source_key(ex.jobs[0].source)])
    for jid in ("1", "2"):           # two submissions: attempts 1 and 2
        batch = new_batch("local", [jd], s.attempts())
        s.write_batch({**batch, "job_id": jid})
    assert jd.last_attempt()["attempt"] == 2
    m = jobrun.run_job(str(jd.path), 1)
    assert m["status"] == "PENDING"
    assert not kit.marker_lines(tmp_path / "marker")
    assert not (jd.path / ".attempt-1.started").exists()
    assert jobrun.run_job(str(jd.path), 2)["status"] == "COMPLETED"
    assert kit.marker_lines(tmp_path / "marker") == ["demo--a--fw--r0 -"]


def test_an_intent_caught_half_written_is_read_again_and_one_cut_short_is_left_out(sweep):
    dirs = [sweep.job(n) for n in NAMES]
    batch = new_batch("slurm", dirs, {}, array=True, slurm_job_name="vidbench-z")
    sweep.write_batch(batch)
    whole = sweep.attempts()
    assert sorted(whole) == NAMES
    path = sweep.submissions_dir / f"{batch['batch']}.json"
    text = path.read_text()
    path.write_text(text[:len(text) // 2])       # as a crash in the middle would leave it
    assert sweep.attempts() == {}
    assert combine({"status": "PENDING"}, None, None, None, False)[0] == "UNSUBMITTED"
    path.write_text(text)
    assert sweep.attempts() == whole
