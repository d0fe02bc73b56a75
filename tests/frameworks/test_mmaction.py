"""MMAction (v1) at its pin 7f3490d trains through vidbench under the real one-node Slurm.

One TSN R18 training (56 px, batch 2, 1 epoch = 60 iterations, about 30-60 s on a quiet core)
by the framework's own tools/train_recognizer.py from the pinned checkout, in the environment of
envs/recipes/mmaction-7f3490d.yaml, in CPU compatibility mode (its compiled CUDA ops cannot be
built here: placeholders stand in for them, orchestrator/probe/inject/_vidbench_compat_mmaction.py).

Log against probe: mmcv logs every 10 iterations the mean wall time of those 10 (IterTimerHook:
from one iteration's end to the next), the probe the time between consecutive optimizer steps.
Over the same 50 iterations (11-60: the first record, which holds the start-up, is skipped by
both) the two sums differ only by where each clock reads an iteration boundary (a few hooks, a
log line), microseconds against iterations of 0.5-10 s; measured here 1.714117 vs 1.714130 s
(0.001 %). 2 % leaves room for a loaded machine and still catches a wrong iteration count (one
iteration in 50 is 2 %) or a different set of iterations.
"""
import os
import subprocess

import pytest

from parsers import summarize
import pinned_kit

pytestmark = [pytest.mark.slurm, pytest.mark.training,
              *pinned_kit.skip_reasons("mmaction-7f3490d.bundle")]

COMMIT = "7f3490d3db6a67fe7b87bfef238b757403b670e3"
BLOCK = {   # the demo's (jobs/demo.yaml), with a repository that is never fetched
    "repo": "https://github.com/open-mmlab/mmaction.git",
    "commit": COMMIT,
    "bundle": "mmaction-7f3490d.bundle",
    "compat_mode": "cpu",
    "environment": {"recipe": "mmaction-7f3490d", "setup": "demo/mmaction_7f3490d/env.sh"},
    "env": {"DEMO_EPOCHS": "1"},
    "log_globs": ["work_dirs/${JOB_NAME}/*.log", "work_dirs/${JOB_NAME}/*.log.json"],
    "outputs": ["work_dirs", "data", "vidbench_demo"],
}
ENTRY = {"command": ["python", "-u", "tools/train_recognizer.py",
                     "vidbench_demo/tsn_r18_rawframes.py", "--work_dir", "work_dirs/${JOB_NAME}"]}
CELL = {"model": "TSN R18", "input": "56px rawframes", "io_backend": "Disk",
        "batch_per_gpu": 2, "gpus": 1}
SKIP = 10          # the first log record (iterations 1-10)
PLACEHOLDERS = ("mmaction.ops.nms.nms_cuda", "mmaction.ops.nms.nms_cpu",
                "mmaction.ops.nms.soft_nms_cpu", "mmaction.ops.roi_align.roi_align_cuda",
                "mmaction.ops.roi_pool.roi_pool_cuda", "traj_conv_cuda", "resample2d_cuda")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return pinned_kit.sweep_one(tmp_path_factory.mktemp("mmaction"), "mmaction", BLOCK, ENTRY, CELL)


def test_it_trained_at_the_pin_in_the_recipe_environment(trained):
    job_dir, manifest = trained
    assert manifest["commit"] == COMMIT
    assert manifest["slurm_job_id"]
    assert manifest["python"].startswith("3.7.")
    assert manifest["libraries"]["torch"] == "1.4.0"
    assert manifest["libraries"]["mmcv"] == "0.4.4"
    assert manifest["environment"]["recipe"] == "mmaction-7f3490d"
    assert "mmcv==0.4.4" in manifest["environment"]["pip_freeze"]
    assert manifest["compat_mode"]
    # nothing written into the checkout but the declared outputs (no setup.py, no compile.sh)
    assert pinned_kit.checkout_is_clean(manifest, ("work_dirs", "data/", "vidbench_demo")) == []


def test_every_compat_patch_it_needed_is_named_in_the_probe_header(trained):
    job_dir, _ = trained
    (header,) = [h for h in pinned_kit.probe_headers(job_dir) if h["marker"]]
    patches = set(header["compat_patches"])
    assert {"mmaction placeholder " + name for name in PLACEHOLDERS} <= patches
    assert {"mmaction.version", "mmcv MMDataParallel.forward (CPU: first chunk)",
            "Module.cuda"} <= patches
    assert header["torch"] == "1.4.0" and header["cpu_compat"] is True


def test_log_and_probe_agree_over_the_same_iterations(trained):
    job_dir, _ = trained
    (log_json,) = (job_dir / "logs" / "main").rglob("*.log.json")
    log = summarize(log_json, framework="mmaction", skip=SKIP)
    probe = summarize(job_dir / "probe" / "main", framework="probe", skip=SKIP)
    assert (log["n_train_records"], log["n_used"]) == (6, 5)     # records at 10, 20, ..., 60
    assert probe["n_used"] == 50                                  # iterations 11-60
    assert log["mean_s_per_iter"] == pytest.approx(probe["mean_s_per_iter"], rel=0.02)


def test_a_placeholder_op_raises_naming_itself_when_called(trained):
    """The stand-ins let the models import; a training that really needs an op must fail."""
    _, manifest = trained
    python = os.path.join(manifest["environment"]["path"], "bin", "python")
    inject = os.path.join(pinned_kit.ROOT, "orchestrator", "probe", "inject")
    code = ("import mmaction, torch\n"
            "from mmaction.ops.nms.nms_wrapper import nms\n"
            "print(mmaction.__version__)\n"
            "nms(torch.zeros(1, 5), 0.5)\n")
    r = subprocess.run([python, "-c", code], cwd=manifest["cwd"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": f"{inject}:{manifest['cwd']}",
                            "VIDBENCH_CPU_COMPAT": "1"})
    assert r.returncode == 1
    assert r.stdout == "0.1.rc0+7f3490d\n"           # what setup.py would have written
    assert r.stderr.strip().splitlines()[-1].startswith(
        "_vidbench_compat_mmaction.CompiledOpUnavailable: mmaction.ops.nms.nms_cpu.nms was called")
