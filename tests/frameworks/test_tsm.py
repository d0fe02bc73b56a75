"""Temporal-Shift-Module at its pin 8d53d6f trains through vidbench under the real one-node Slurm.

One TSN R18 training by TSM's own main.py from the pinned checkout (3 segments at its hard-coded
224 px, batch 2, `--pretrain scratch`: no ImageNet download; 3 epochs of 4 iterations, then its
validation of one batch; about 1-2 s per iteration on a quiet core), in the environment of
envs/recipes/tsm-8d53d6f.yaml, in CPU compatibility mode, with its hard-coded data root
(ops/dataset_config.py:8, '/ssd/video/') pointed at the job's data by the injected layer
(orchestrator/probe/inject/_vidbench_compat_tsm.py).

Log against probe: TSM logs every iteration (`--print-freq 1`) the wall time from the previous
iteration's end (`Time v`), the probe the time between consecutive optimizer steps: the same
intervals, read at slightly different points. Over iterations 3-12 (both skip the first two: the
first holds the start-up, and the probe has no interval for it) the means agree to microseconds
(measured here: 19.2670 vs 19.2709 s on a loaded machine, 0.02 %). 2 % leaves room for load and
still catches one iteration too many or too few (10 %) or a different set of iterations.
"""

import os
import subprocess

import pytest

import pinned_kit
from parsers import summarize

pytestmark = [pytest.mark.slurm, pytest.mark.training,
              *pinned_kit.skip_reasons("temporal-shift-module-8d53d6f.bundle")]

COMMIT = "8d53d6fda40bea2f1b37a6095279c4b454d672bd"
BLOCK = {   # the demo's (jobs/demo.yaml), with a repository that is never fetched
    "repo": "https://github.com/mit-han-lab/temporal-shift-module.git",
    "commit": COMMIT,
    "bundle": "temporal-shift-module-8d53d6f.bundle",
    "compat_mode": "cpu",
    "environment": {"recipe": "tsm-8d53d6f", "setup": "demo/tsm_8d53d6f/env.sh"},
    "env": {"VIDBENCH_TSM_WORK_DIR": "work_dirs/${JOB_NAME}"},
    "log_globs": ["work_dirs/${JOB_NAME}/log/*/log.csv"],
    "outputs": ["work_dirs"],
}
EPOCHS, PER_EPOCH, SKIP = 3, 4, 2
ENTRY = {"command": [
    "python", "main.py", "kinetics", "RGB", "--arch", "resnet18", "--num_segments", "1",
    "--gd", "20", "--lr", "0.02", "--wd", "1e-4", "--lr_steps", "20", "40",
    "--epochs", str(EPOCHS), "--batch-size", "2", "-j", "0", "--dropout", "0.5",
    "--consensus_type=avg", "--eval-freq=1000", "--npb", "--print-freq", "1",
    "--pretrain", "scratch", "--root_log", "work_dirs/${JOB_NAME}/log",
    "--root_model", "work_dirs/${JOB_NAME}/checkpoint"]}
CELL = {"model": "TSN R18", "input": "224px rawframes", "io_backend": "Disk",
        "batch_per_gpu": 2, "gpus": 1}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return pinned_kit.sweep_one(tmp_path_factory.mktemp("tsm"), "tsm", BLOCK, ENTRY, CELL)


def test_it_trained_at_the_pin_in_the_recipe_environment(trained):
    job_dir, manifest = trained
    assert manifest["commit"] == COMMIT
    assert manifest["slurm_job_id"]
    assert manifest["python"].startswith("3.7.")
    assert manifest["libraries"]["torch"] == "1.4.0"
    assert manifest["libraries"]["tensorboardX"] == "2.1"
    assert manifest["environment"]["recipe"] == "tsm-8d53d6f"
    assert manifest["compat_mode"]
    # the checkout has no .gitignore: not even a .pyc may appear outside work_dirs
    assert pinned_kit.checkout_is_clean(manifest, ("work_dirs/",)) == []


def test_it_read_the_jobs_data_through_the_root_dataset_patch(trained):
    job_dir, _ = trained
    (header,) = [h for h in pinned_kit.probe_headers(job_dir) if h["marker"]]
    assert "tsm ops.dataset_config.ROOT_DATASET" in header["compat_patches"]
    assert header["torch"] == "1.4.0" and header["cpu_compat"] is True
    stdout = (job_dir / "stdout.log").read_text()
    assert "video number:8" in stdout and "video number:2" in stdout   # train list, val list
    assert "Testing Results" in stdout                                  # its validation ran


def test_log_and_probe_agree_over_the_same_iterations(trained):
    job_dir, _ = trained
    (log_csv,) = (job_dir / "logs" / "main").rglob("log.csv")
    log = summarize(log_csv, framework="tsm", skip=SKIP)
    probe = summarize(job_dir / "probe" / "main", framework="probe", skip=SKIP)
    assert (log["n_train_records"], log["n_used"]) == (EPOCHS * PER_EPOCH, 10)
    assert probe["n_used"] == 10                                      # iterations 3-12
    assert log["mean_s_per_iter"] == pytest.approx(probe["mean_s_per_iter"], rel=0.02)


def test_the_data_root_is_the_one_given_and_tsm_reads_it_at_call_time(trained, tmp_path):
    """TSM's own return_dataset builds every path from the patched ROOT_DATASET."""
    _, manifest = trained
    python = os.path.join(manifest["environment"]["path"], "bin", "python")
    inject = os.path.join(pinned_kit.ROOT, "orchestrator", "probe", "inject")
    code = ("from ops import dataset_config as d\n"
            "print(d.ROOT_DATASET)\n"
            "print(d.return_dataset('kinetics', 'RGB'))\n")
    env = {**os.environ, "PYTHONPATH": inject, "PYTHONDONTWRITEBYTECODE": "1"}
    r = subprocess.run([python, "-c", code], cwd=manifest["cwd"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=300,
                       env={**env, "VIDBENCH_CPU_COMPAT": "1",
                            "VIDBENCH_TSM_ROOT_DATASET": str(tmp_path / "root")})
    assert r.returncode == 0, r.stderr
    root = f"{tmp_path / 'root'}/"
    assert r.stdout.splitlines() == [root, "kinetics: 400 classes", repr((
        400, root + "kinetics/labels/train_videofolder.txt",
        root + "kinetics/labels/val_videofolder.txt", root + "kinetics/images",
        "img_{:05d}.jpg"))]
    # without CPU compatibility mode the checkout's own root stands
    plain = subprocess.run([python, "-c", "from ops import dataset_config as d; print(d.ROOT_DATASET)"],
                           cwd=manifest["cwd"], stdout=subprocess.PIPE, text=True, timeout=300,
                           env={**env, "VIDBENCH_TSM_ROOT_DATASET": str(tmp_path / "root")})
    assert plain.stdout == "/ssd/video/\n"
