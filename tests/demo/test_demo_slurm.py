"""`make demo`'s pipeline under the real one-node Slurm (ci/slurm/up.sh), with fewer iterations.

The same jobs/demo.yaml sweep that `make demo` runs (MMAction2 1.2.0 and 0.5.0 really training
TSN, TSN on videos, I3D and SlowOnly on the CPU), submitted through sbatch by submitit, then
`collect` and `report`, driven by `python -m demo.run` exactly as `make demo EXECUTOR=slurm`.
The figures are checked against the logs the trainings wrote, recomputed here from the raw JSON
records (independently of the parsers), and against the probe records.
"""
import csv
import json
import math
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "orchestrator"))
import sweepkit  # noqa: E402

from demo.data import ensure_dataset  # noqa: E402

WHY = sweepkit.slurm_unavailable()
VENV050 = ROOT / ".venv-mmaction050" / "bin" / "python"
PARTITION = os.environ.get("VIDBENCH_DEMO_PARTITION", "debug")
ITERS, EPOCHS, PER_EPOCH, SKIP = 60, 2, 40, 50
pytestmark = [
    pytest.mark.slurm, pytest.mark.training,
    pytest.mark.skipif(bool(WHY), reason=f"real Slurm needed: {WHY}"),
    pytest.mark.skipif(not VENV050.exists(), reason="MMAction2 0.5.0 environment missing: "
                       "run `make venv-mmaction050` (make test builds it)"),
]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    ensure_dataset(base / "data")
    out = base / "sweep"
    env = {**os.environ, "VIDBENCH_DEMO_DATA": str(base / "data")}
    proc = subprocess.run(
        [sys.executable, "-m", "demo.run", "--executor", "slurm", "--partition", PARTITION,
         "--out", str(out), "--set", f"DEMO_ITERS={ITERS}", "--set", f"DEMO_EPOCHS={EPOCHS}",
         "--parallel", "2"],   # one training per core
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out / "results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return out, rows, proc.stdout


def mean(values):
    assert values, "no records after the warm-up"
    return sum(values) / len(values)


def mmengine_figure(logs: pathlib.Path) -> float:
    """Mean `time` of the vis_data records whose global step is past the warm-up."""
    (scalars,) = logs.rglob("vis_data/scalars.json")
    records = [json.loads(line) for line in scalars.read_text().splitlines() if line.strip()]
    return mean([r["time"] for r in records if "time" in r and r["step"] > SKIP])


def mmcv_figure(logs: pathlib.Path) -> float:
    """Mean `time` of the mmcv 1.x train records at positions (epoch-1)*40 + iter > 50."""
    (log_json,) = logs.rglob("*.log.json")
    records = [json.loads(line) for line in log_json.read_text().splitlines() if line.strip()]
    return mean([r["time"] for r in records if r.get("mode") == "train"
                 and (r["epoch"] - 1) * PER_EPOCH + r["iter"] > SKIP])


def probe_figure(probe_dir: pathlib.Path) -> float:
    dts = []
    for path in probe_dir.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            if rec.get("kind") == "iter" and rec["i"] > SKIP and rec["dt"] is not None:
                dts.append(rec["dt"])
    return mean(dts)


def three_digits(x: float) -> str:
    decimals = max(0, 2 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def test_every_job_trained_under_slurm_and_has_a_figure(demo_run):
    out, rows, _ = demo_run
    assert len(rows) == 8
    assert {(r["framework"]) for r in rows} == {"mmaction2", "mmaction"}
    for r in rows:
        assert r["status"] == "COMPLETED", (r["job"], r["reason"])
        assert r["job_id"], r["job"]                 # a Slurm job id: it went through sbatch
        assert r["node"]
        manifest = json.loads((out / "jobs" / r["job"] / "manifest.json").read_text())
        assert manifest["slurm_job_id"] == r["job_id"]
        assert manifest["exit_status"] == 0
        assert float(r["s_per_iter"]) > 0 and float(r["probe_s_per_iter"]) > 0
        assert int(r["n_used"]) >= 1


def test_the_csv_figures_are_the_logs_own_records_after_the_warm_up(demo_run):
    out, rows, _ = demo_run
    for r in rows:
        job = out / "jobs" / r["job"]
        expected = (mmengine_figure if r["framework"] == "mmaction2" else mmcv_figure)(
            job / "logs" / "main")
        assert float(r["s_per_iter"]) == pytest.approx(expected, abs=2e-6), r["job"]
        assert float(r["probe_s_per_iter"]) == pytest.approx(
            probe_figure(job / "probe" / "main"), rel=1e-4, abs=2e-6), r["job"]


def test_the_printed_table_bolds_the_fastest_only_where_it_is_faster_beyond_noise(demo_run):
    from orchestrator import stats
    out, rows, stdout = demo_run
    assert (out / "report.html").is_file() and (out / "results.md").is_file()
    assert f"HTML report: {out / 'report.html'}" in stdout
    lines = {}
    for line in stdout.splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) > 2:
            lines[(cols[0], cols[1])] = line
    for (model, input_), cell_rows in group(rows).items():
        line = lines[(model, input_)]
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        ranked = sorted(cell_rows, key=lambda r: float(r["s_per_iter"]))
        fastest, runner_up = ranked[0], ranked[1]
        # mmcv and mmengine log window means: the spread is the probe's per-iteration times
        assert fastest["sample_source"] == runner_up["sample_source"] == "probe"
        fig = three_digits(float(fastest["s_per_iter"]))
        cell = next(c for c in cells if f"[{fig}](" in c)
        test = stats.welch(*(stats.Sample(int(r["sample_n"]), float(r["sample_mean"]),
                                          float(r["stdev"])) for r in (fastest, runner_up)))
        if test.significant:
            assert cell.startswith("**"), (cell, test)
        else:
            assert "≈" in cell and not cell.startswith("**"), (cell, test)
        assert three_digits(float(runner_up["s_per_iter"])) in line


def group(rows):
    out = {}
    for r in rows:
        out.setdefault((r["model"], r["input"]), []).append(r)
    return out
