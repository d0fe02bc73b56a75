"""BMN 45d0514 trains at its pin through vidbench, under the one-node Slurm: the localization
demo's BMN job, `python main.py --mode train` unmodified in its torch 1.4.0 environment
(envs/recipes/bmn-45d0514.yaml on the shared torch-1.4.0-py37 layer), under the CPU
compatibility layer (its `DataParallel(device_ids=[0, 1]).cuda()`, main.py:87).

BMN prints only per-epoch losses, so the probe (optimizer steps) is its one figure. Checked
against BMN's own loop: 48 training videos in batches of 2 for --train_epochs 3 is exactly
3 x 24 = 72 steps; BMN's stdout shows its 3 epochs (twice each: main.py prints the validation
loss as "training loss" too) with finite losses (the demo's videos are chosen so that no batch
lacks a positive match-map cell, which would give NaN); the steps fit in the stage's wall time.
Skipped where ../shared, Python 3.7 or Slurm is absent.
"""
import math
import re

import pytest

import localization_kit as kit

COMMIT = "45d05146822b85ca672b65f3d030509583d0135a"
WHY = kit.why_not("bmn-45d0514.bundle", "3.7")
pytestmark = [pytest.mark.slurm, pytest.mark.training,
              pytest.mark.skipif(bool(WHY), reason=f"BMN training cannot run here: {WHY}")]
EPOCHS, STEPS = 3, 3 * 48 // 2


@pytest.fixture(scope="module")
def bmn(tmp_path_factory):
    return kit.train(tmp_path_factory.mktemp("bmn"), "bmn-45d0514", "demo-localization--bmn--*--bmn--r0")


def test_it_completed_at_the_pin_with_torch_140_in_cpu_compatibility_mode(bmn):
    out, rows, manifest, env_path = bmn
    assert manifest["status"] == "COMPLETED", manifest.get("reason")
    assert manifest["commit"] == COMMIT
    assert manifest["slurm_job_id"]
    assert manifest["python"].startswith("3.7.")
    assert manifest["libraries"]["torch"] == "1.4.0"
    assert manifest["libraries"]["numpy"] == "1.18.1"
    environment = manifest["environment"]
    assert environment["recipe"] == "bmn-45d0514"
    assert environment["path"] == str(env_path)
    (row,) = rows
    assert row["status"] == "COMPLETED", row["reason"]
    assert row["compat_mode"]


def test_the_probe_counts_bmns_72_steps_and_is_the_figure(bmn):
    out, rows, manifest, env_path = bmn
    (row,) = rows
    job = out / "jobs" / manifest["job"]
    dts = kit.probe_steps(job / "probe" / "main")
    assert len(dts) == STEPS - 1              # the first step has no time before it
    used = dts[49:]                           # steps 51..72: after the 50-step warm-up
    assert int(row["n_used"]) == len(used) == STEPS - 50
    assert float(row["s_per_iter"]) == pytest.approx(sum(used) / len(used), rel=1e-4)
    assert float(row["s_per_iter"]) == pytest.approx(float(row["probe_s_per_iter"]), rel=1e-6)
    assert sum(dts) < kit.stage_seconds(manifest["stages"][0])


def test_bmn_printed_its_epochs_with_finite_losses(bmn):
    out, rows, manifest, env_path = bmn
    stdout = (out / "jobs" / manifest["job"] / "stdout.log").read_text()
    losses = re.findall(r"BMN training loss\(epoch (\d+)\): .* total_loss: (\S+)", stdout)
    assert [int(e) for e, _ in losses] == [e for e in range(EPOCHS) for _ in (0, 1)]
    assert all(math.isfinite(float(v)) for _, v in losses)
