"""BSN f13707f trains at its pin through vidbench, under the one-node Slurm: both stages (TEM,
then PGM and PEM) of the localization demo's BSN job, run unmodified from a job folder in its
Python 2.7 + TensorFlow 1.12 environment (envs/recipes/bsn-f13707f.yaml).

BSN prints per-epoch losses only, so the probe is its one figure (the training `Session.run`
steps, docs/DESIGN.md §4). What can be checked against the framework itself is its loop: batch
16 and 20 epochs are hard-coded (TEM_train.py:64-67, PEM_train.py:74-76) and getBatchList makes
len//16 + 1 batches of the 48 training videos, so the probe must count exactly 20 x 4 = 80
steps per stage, and BSN's own stdout must show its 20 epochs; the steps' times must fit in
the stage's wall time. Skipped where ../shared, Python 2.7 or Slurm is absent.
"""
import re

import pytest

import localization_kit as kit

COMMIT = "f13707fbc362486e93178c39f9c4d398afe2cb2f"
WHY = kit.why_not("bsn-f13707f.bundle", "2.7")
pytestmark = [pytest.mark.slurm, pytest.mark.training,
              pytest.mark.skipif(bool(WHY), reason=f"BSN training cannot run here: {WHY}")]
STEPS = 20 * (48 // 16 + 1)


@pytest.fixture(scope="module")
def bsn(tmp_path_factory):
    return kit.train(tmp_path_factory.mktemp("bsn"), "bsn-f13707f", "demo-localization--bsn--*--bsn--r0")


def test_both_stages_completed_at_the_pin_in_python_27_with_tensorflow_112(bsn):
    out, rows, manifest, env_path = bsn
    assert manifest["status"] == "COMPLETED", manifest.get("reason")
    assert manifest["commit"] == COMMIT
    assert manifest["slurm_job_id"]
    assert manifest["python"].startswith("2.7.")
    assert manifest["libraries"]["tensorflow"] == "1.12.0"
    assert manifest["libraries"]["numpy"] == "1.15.4"
    environment = manifest["environment"]
    assert environment["recipe"] == "bsn-f13707f"
    assert environment["path"] == str(env_path)
    assert "tensorflow==1.12.0" in environment["pip_freeze"]
    assert [s["name"] for s in manifest["stages"]] == ["TEM", "PEM"]
    assert all(s["exit_status"] == 0 for s in manifest["stages"])


def test_the_probe_counts_bsns_hard_coded_80_steps_per_stage_and_is_the_figure(bsn):
    out, rows, manifest, env_path = bsn
    job = out / "jobs" / manifest["job"]
    assert sorted(r["stage"] for r in rows) == ["PEM", "TEM"]
    for r in rows:
        assert r["status"] == "COMPLETED", (r["stage"], r["reason"])
        dts = kit.probe_steps(job / "probe" / r["stage"])
        assert len(dts) == STEPS - 1          # the first step has no time before it
        used = dts[49:]                       # steps 51..80: after the 50-step warm-up
        assert int(r["n_used"]) == len(used) == STEPS - 50
        assert float(r["s_per_iter"]) == pytest.approx(sum(used) / len(used), rel=1e-4)
        assert float(r["s_per_iter"]) == pytest.approx(float(r["probe_s_per_iter"]), rel=1e-6)
        stage = next(s for s in manifest["stages"] if s["name"] == r["stage"])
        assert sum(dts) < kit.stage_seconds(stage)


def test_bsn_ran_its_own_epochs_from_a_job_folder_and_pgm_came_between(bsn):
    out, rows, manifest, env_path = bsn
    job = out / "jobs" / manifest["job"]
    stdout = (job / "stdout.log").read_text()
    epochs = re.findall(r"^Epoch-(\d+) Train Loss:", stdout, flags=re.M)   # TEM, then PEM
    assert epochs == [str(e) for e in range(20)] * 2
    work = job / "work" / "bsn"
    assert (work / "models" / "TEM" / "tem_model_best.index").is_file()
    assert (work / "models" / "PEM" / "pem_model_best.index").is_file()
    n_features = len(list((work / "output" / "PGM_feature").glob("*.npy")))
    assert n_features == 64                                        # PGM: every video
    assert (work / "TEM_train.py").is_symlink()
