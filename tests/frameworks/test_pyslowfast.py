"""PySlowFast 8299c98 trains at its pin through the orchestrator, under the real one-node Slurm.

One short real training (SlowOnly R50 at a quarter of its width, ``tools/run_net.py --cfg configs/Kinetics/SLOW_4x16_R50.yaml``
with the demo's command-line overrides: the demo's cell, jobs/demo.yaml): 64 iterations of batch 2 on
the demo's synthetic videos decoded by PyAV 8.0.2, in the environment of the recipe
envs/recipes/pyslowfast-8299c98.yaml (built here when it is not built yet: the first run takes
about 10 minutes more), in CPU compatibility mode, submitted through sbatch by submitit.

The figures are checked against the log the training wrote (its ``json_stats`` records, read
here independently of the parsers) and against the probe. Tolerance between the log and the
probe: both time the same 14 iterations after the warm-up; PySlowFast's ``time_diff`` runs from
the previous record's ``iter_tic`` to this iteration's ``iter_toc`` (tools/train_net.py:94-149:
loading, forward, backward, step, statistics), the probe from one ``optimizer.step`` to the next,
so the two differ by the logging of one record (a few milliseconds against ~0.2 s iterations) and
by where each interval starts; 5 % of the mean covers that with room for a busy machine.
"""
import csv
import json
import os
import pathlib
import re
import statistics
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("VIDBENCH_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT / "tests" / "orchestrator"))
import sweepkit  # noqa: E402

from demo.data import ensure_dataset  # noqa: E402

RECIPE = "pyslowfast-8299c98"
COMMIT = "8299c9862f83a067fa7114ce98120ae1568a83ec"
SPEC = ROOT / "jobs" / "demo.yaml"
JOB = "demo--slowonly-r50-quarter-width--32px-videos--pyslowfast--r0"
PARTITION = os.environ.get("VIDBENCH_DEMO_PARTITION", "debug")
SKIP = 50
ITERS = 64            # pyslowfast/train.csv: 8 clips x 16 = 128 videos, batch 2, one epoch


def _why_not() -> str:
    if not (SHARED / "frameworks" / "slowfast-8299c98.bundle").is_file():
        return f"{SHARED}/frameworks/slowfast-8299c98.bundle is absent"
    from orchestrator.envs.interpreters import find_interpreter
    from orchestrator.errors import UserError
    try:
        find_interpreter("3.7", dict(os.environ))
    except UserError as exc:
        return f"no Python 3.7 for the recipe: {exc}"
    return sweepkit.slurm_unavailable()


WHY = _why_not()
pytestmark = [pytest.mark.slurm, pytest.mark.training,
              pytest.mark.skipif(bool(WHY), reason=f"PySlowFast at its pin: {WHY}")]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    built = sweepkit.cli("env", "build", RECIPE, timeout=3600)
    assert built.returncode == 0, built.stderr[-3000:]
    base = tmp_path_factory.mktemp("pyslowfast")
    ensure_dataset(base / "data")
    out = base / "sweep"
    env = {"VIDBENCH_DEMO_DATA": str(base / "data")}
    swept = sweepkit.cli("sweep", SPEC, "--executor", "slurm", "--partition", PARTITION,
                         "--out", out, "--wait", "--cpu-only", "--only", JOB,
                         env=env, timeout=1500)
    assert swept.returncode == 0, swept.stderr[-3000:]
    sweepkit.cli("collect", out, "-o", out / "results.csv", check=True)
    (row,) = list(csv.DictReader(open(out / "results.csv", newline="")))
    job = out / "jobs" / row["job"]
    return row, job, json.loads((job / "manifest.json").read_text())


def log_train_records(log: pathlib.Path) -> list:
    """The timestamped (file handler) ``json_stats`` train records of PySlowFast's stdout.log."""
    records = []
    for line in log.read_text().splitlines():
        # [12/03 16:50:42][INFO] slowfast.utils.logging:   96: json_stats: {...}
        m = re.match(r"^\[\d\d/\d\d \d\d:\d\d:\d\d\]\[INFO\] [\w.]+: *\d+: json_stats: (\{.*\})$",
                     line)
        if m:
            rec = json.loads(m.group(1))
            if rec["_type"] == "train_iter":
                records.append(rec)
    return records


def probe_dts(probe_dir: pathlib.Path) -> list:
    dts = []
    for path in probe_dir.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            if rec.get("kind") == "iter" and rec["i"] > SKIP and rec["dt"] is not None:
                dts.append(rec["dt"])
    return dts


def test_it_trained_at_the_pin_in_the_recipe_environment(trained):
    row, job, manifest = trained
    assert manifest["status"] == "COMPLETED", manifest.get("reason")
    assert manifest["exit_status"] == 0 and manifest["slurm_job_id"]
    assert manifest["commit"] == COMMIT
    assert manifest["python"].startswith("3.7.")
    assert manifest["libraries"]["torch"] == "1.4.0"
    assert manifest["libraries"]["torchvision"] == "0.5.0"
    assert manifest["libraries"]["av"] == "8.0.2"
    assert manifest["libraries"]["fvcore"] == "0.1.1.post20200704"
    assert manifest["compat_mode"] == "cpu"
    assert row["status"] == "COMPLETED" and row["commit"] == COMMIT


def test_the_log_has_every_iteration_and_the_csv_figure_is_its_mean_after_the_warm_up(trained):
    row, job, _ = trained
    (log,) = (job / "logs" / "main").rglob("stdout.log")
    records = log_train_records(log)
    assert [r["iter"] for r in records] == [f"{i}/{ITERS}" for i in range(1, ITERS + 1)]
    assert {r["epoch"] for r in records} == {"1/1"}
    kept = [float(r["time_diff"]) for r in records[SKIP:]]
    assert int(row["n_used"]) == len(kept) == ITERS - SKIP
    assert float(row["s_per_iter"]) == pytest.approx(statistics.mean(kept), abs=2e-6)


def test_log_and_probe_agree_and_no_gpu_memory_is_shown(trained):
    row, job, _ = trained
    dts = probe_dts(job / "probe" / "main")
    assert len(dts) == ITERS - SKIP
    assert float(row["probe_s_per_iter"]) == pytest.approx(statistics.mean(dts), rel=1e-4)
    assert float(row["s_per_iter"]) == pytest.approx(float(row["probe_s_per_iter"]), rel=0.05)
    # 8299c98 logged "gpu_mem": "0.00 GB" (the compat layer's answer): never a GPU figure
    assert row["mem_gb"] == "" and row["probe_mem_gb"] == ""
    assert "GPU memory figure 0.0000 GB dropped: the job ran on the CPU" in row["warnings"]
    assert float(row["probe_rss_gb"]) > 0.2      # CPU memory, the probe's peak RSS (0.32 GB measured)


def test_the_probe_header_lists_the_pyslowfast_patches(trained):
    _, job, _ = trained
    headers = [json.loads(p.read_text().splitlines()[0])
               for p in (job / "probe" / "main").glob("*.jsonl")]
    patches = {p for h in headers for p in h["compat_patches"]}
    assert {"pyslowfast: torch.cuda.device_count=1", "pyslowfast: torch.cuda.current_device=0",
            "pyslowfast: detectron2 stand-in (raises when called)"} <= patches
