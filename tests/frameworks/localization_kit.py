"""What tests/frameworks/test_bsn.py and test_bmn.py share: one real training of a localization
demo job (jobs/demo-localization.yaml) at its pinned commit, through the one-node Slurm.

Everything is real: the pinned checkout from ../shared/frameworks, the environment built from
its recipe (envs/recipes/, cached by hash: the first run builds it), the demo's ActivityNet-style
data (demo/data_activitynet.py), sbatch, the probe, `orchestrator collect`.
"""
import csv
import json
import os
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "orchestrator"))
import sweepkit  # noqa: E402

from demo import data_activitynet  # noqa: E402
from orchestrator.envs.build import EnvStore  # noqa: E402
from orchestrator.envs.interpreters import find_interpreter  # noqa: E402
from orchestrator.errors import UserError  # noqa: E402

SPEC = ROOT / "jobs" / "demo-localization.yaml"
BUNDLES = ROOT.parent / "shared" / "frameworks"
PARTITION = os.environ.get("VIDBENCH_DEMO_PARTITION", "debug")


def why_not(bundle: str, python: str) -> str:
    """Why this framework's training cannot run here ('' when it can)."""
    if not (BUNDLES / bundle).is_file():
        return f"{BUNDLES / bundle} is absent (../shared/frameworks holds the pinned commits)"
    try:
        find_interpreter(python)
    except UserError as exc:
        return f"no Python {python} here: {exc}"
    if python.startswith("2.") and shutil.which("virtualenv") is None:
        try:
            import virtualenv  # noqa: F401  (the builder makes Python 2 environments with it)
        except ImportError:
            return "virtualenv < 20.22 is not installed in the project venv (requirements.txt)"
    return sweepkit.slurm_unavailable()


def train(tmp: pathlib.Path, recipe: str, job_glob: str) -> tuple:
    """Build the recipe's env, write the data, run the job under Slurm, collect.

    Returns (sweep folder, its results.csv rows (one per stage), the job's manifest, the
    environment's folder)."""
    env_path = EnvStore().build(recipe)
    data_activitynet.write(tmp / "data" / "activitynet")
    out = tmp / "sweep"
    env = {"VIDBENCH_DEMO_DATA": str(tmp / "data")}
    for own in ("VIDBENCH_ACTIVATE", "VIDBENCH_CONDA_ENV"):   # the recipe's env, not the user's
        env[own] = ""
    r = sweepkit.cli("sweep", SPEC, "--executor", "slurm", "--partition", PARTITION,
                     "--cpu-only", "--only", job_glob, "--out", out, "--wait",
                     env=env, timeout=1500)
    assert r.returncode == 0, r.stderr[-3000:]
    csv_path = out / "results.csv"
    sweepkit.cli("collect", out, "-o", csv_path, check=True)
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    (manifest,) = sweepkit.manifests(out).values()
    return out, rows, manifest, env_path


def probe_steps(probe_dir: pathlib.Path) -> list:
    """The probe's per-step times (``dt`` of its iter records) of every process of a stage."""
    dts = []
    for path in sorted(probe_dir.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            if rec.get("kind") == "iter" and rec.get("dt") is not None:
                dts.append(rec["dt"])
    return dts


def stage_seconds(stage: dict) -> float:
    """Wall time of one stage from the manifest's ISO times."""
    import datetime
    t0, t1 = (datetime.datetime.fromisoformat(stage[k].replace("Z", "+00:00"))
              for k in ("started", "finished"))
    return (t1 - t0).total_seconds()

