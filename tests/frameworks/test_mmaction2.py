"""MMAction2 at the page's commit (fd993ca) trains through vidbench under the real one-node Slurm
(ci/slurm/up.sh), in the environment its recipe declares (envs/recipes/mmaction2-fd993ca.yaml:
Python 3.7, torch 1.4.0, mmcv 1.0.5), with its own tools/train.py from a checkout of the pinned
bundle, in CPU compatibility mode; beside it one short MMAction2 1.2.0 job (the demo's "then and
now" column, the project's .venv). Both are the TSN R18 rawframes cell of MMAction2 "then and
now" (jobs/demo-now.yaml),
shortened to 60 iterations each (1 epoch of 60 and max_iters 60), enough for the 50-iteration
warm-up.

The framework's figure and the probe's must agree closely: both are means over the same
iterations (51-60). One mmcv record's `time` is the mean of its 10 iterations, each timed by
mmcv's IterTimerHook from one iteration's start to the next (data loading + step); the probe
times optimizer step to optimizer step, the same period shifted within the iteration. Over the
same 10 consecutive iterations the two means differ only by the shift at both ends and by the
log's rounding (4 decimals): well under 2 % at about 1 s per iteration.
"""
import csv
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "orchestrator"))
import sweepkit  # noqa: E402

from demo.data import ensure_dataset  # noqa: E402
from orchestrator.envs.build import EnvStore  # noqa: E402
from orchestrator.envs.interpreters import find_interpreter  # noqa: E402
from orchestrator.errors import UserError  # noqa: E402

FD993CA = "fd993ca078d0cb15570d508a03374b9f48ae0155"
SHARED = pathlib.Path(os.environ.get("VIDBENCH_SHARED", ROOT.parent / "shared"))
PARTITION = os.environ.get("VIDBENCH_DEMO_PARTITION", "debug")
CELL = "demo-now--tsn-r18--56px-rawframes--"
EPOCHS, ITERS = 1, 60


def _python37_missing():
    try:
        find_interpreter("3.7")
    except UserError as exc:
        return str(exc)
    return ""


WHY = sweepkit.slurm_unavailable()
NO_PY37 = _python37_missing()
pytestmark = [
    pytest.mark.slurm, pytest.mark.training,
    pytest.mark.skipif(bool(WHY), reason=f"real Slurm needed: {WHY}"),
    pytest.mark.skipif(not (SHARED / "frameworks" / "mmaction2-fd993ca.bundle").is_file(),
                       reason=f"{SHARED}/frameworks is absent: no MMAction2 fd993ca to check out"),
    pytest.mark.skipif(bool(NO_PY37), reason=f"Python 3.7 needed: {NO_PY37}"),
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    base = tmp_path_factory.mktemp("mmaction2")
    ensure_dataset(base / "data")
    out = base / "sweep"
    env = {**os.environ, "VIDBENCH_DEMO_DATA": str(base / "data")}
    # the sweep builds the environment if `make envs` has not (minutes, once)
    proc = subprocess.run(
        [sys.executable, "-m", "orchestrator", "sweep", str(ROOT / "jobs" / "demo-now.yaml"),
         "--executor", "slurm", "--partition", PARTITION, "--cpu-only",
         "--array-parallelism", "2", "--only", f"{CELL}mmaction2--*,{CELL}mmaction2-now--*", "--out", str(out), "--wait",
         "--set", f"DEMO_EPOCHS={EPOCHS}", "--set", f"DEMO_ITERS={ITERS}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    col = subprocess.run([sys.executable, "-m", "orchestrator", "collect", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert col.returncode == 0, col.stderr
    with open(out / "results.csv", newline="") as f:
        rows = {r["framework"]: r for r in csv.DictReader(f)}
    manifests = {fw: json.loads((out / "jobs" / r["job"] / "manifest.json").read_text())
                 for fw, r in rows.items()}
    return out, rows, manifests


def test_both_jobs_completed_under_slurm(trained):
    _, rows, manifests = trained
    assert set(rows) == {"mmaction2", "mmaction2-now"}
    for fw, m in manifests.items():
        assert m["status"] == "COMPLETED" and m["exit_status"] == 0, (fw, m.get("reason"))
        assert m["slurm_job_id"] and rows[fw]["job_id"] == m["slurm_job_id"]


def test_mmaction2_ran_at_its_pin_in_its_recipe_environment(trained):
    _, rows, manifests = trained
    m = manifests["mmaction2"]
    assert m["commit"] == FD993CA and rows["mmaction2"]["commit"] == FD993CA
    assert m["python"].startswith("3.7.")
    assert m["libraries"]["torch"] == "1.4.0" and m["libraries"]["mmcv"] == "1.0.5"
    assert m["libraries"]["torchvision"] == "0.5.0"
    store = EnvStore()
    env = m["environment"]
    assert env["recipe"] == "mmaction2-fd993ca"
    assert env["hash"] == store.hash_of("mmaction2-fd993ca")
    assert env["path"] == str(store.path_of("mmaction2-fd993ca"))
    assert env["python"] == m["python"]
    assert "mmcv==1.0.5" in env["pip_freeze"] and "torch==1.4.0" in env["pip_freeze"]
    assert m["compat_mode"] and rows["mmaction2"]["compat_mode"]
    assert rows["mmaction2"]["mem_gb"] == ""          # no GPU figure from the CPU
    assert float(rows["mmaction2"]["probe_rss_gb"]) > 0.1


def test_mmaction2_1_2_0_ran_in_the_project_venv(trained):
    _, _, manifests = trained
    m = manifests["mmaction2-now"]
    assert m["python"] == "%d.%d.%d" % sys.version_info[:3]
    assert m["libraries"]["torch"].startswith("2.13.0")
    assert m["environment"]["recipe"] is None        # no recipe: the package's own env


def test_log_and_probe_agree_on_the_same_iterations(trained):
    _, rows, _ = trained
    for fw, r in rows.items():
        assert r["status"] == "COMPLETED", (fw, r["reason"])
        log, probe = float(r["s_per_iter"]), float(r["probe_s_per_iter"])
        assert int(r["n_used"]) >= 1 and int(r["n_skipped"]) >= 1
        assert probe == pytest.approx(log, rel=0.02), fw
