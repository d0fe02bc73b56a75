"""Running one short training of a pinned framework through the real orchestrator and Slurm.

Shared by tests/frameworks/test_mmaction.py and test_tsm.py (h2, issue 11): a one-cell spec,
written by the test, whose framework block is the demo's (the pinned bundle from ../shared, the
recipe's environment, the demo's setup script, CPU compatibility mode), swept with
``python -m orchestrator sweep --executor slurm --wait`` on the one-node Slurm
(ci/slurm/up.sh), on a fresh synthetic dataset. The sweep builds the recipe's environment first
when it is missing (``make test`` builds every recipe before the suite).
"""
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

SHARED = pathlib.Path(os.environ.get("VIDBENCH_SHARED", ROOT.parent / "shared"))
PARTITION = os.environ.get("VIDBENCH_DEMO_PARTITION", "debug")


def skip_reasons(bundle: str, python: str = "3.7") -> list:
    """pytest skipif marks: real Slurm, the framework's bundle in ../shared, the interpreter."""
    why_slurm = sweepkit.slurm_unavailable()
    why_python = ""
    try:
        from orchestrator.envs.interpreters import find_interpreter
        find_interpreter(python)
    except Exception as exc:  # a UserError naming what was tried
        why_python = str(exc)
    return [
        pytest.mark.skipif(bool(why_slurm), reason=f"real Slurm needed: {why_slurm}"),
        pytest.mark.skipif(not (SHARED / "frameworks" / bundle).is_file(),
                           reason=f"{SHARED}/frameworks/{bundle} is absent (only beside a CI checkout)"),
        pytest.mark.skipif(bool(why_python), reason=f"Python {python} needed: {why_python}"),
    ]


def sweep_one(base: pathlib.Path, name: str, block: dict, entry: dict, cell: dict,
              timeout: int = 2400):
    """Sweep a one-job spec; returns (job folder, manifest). Asserts the sweep itself succeeded."""
    ensure_dataset(base / "data")
    block = dict(block, bundle=str(SHARED / "frameworks" / block["bundle"]))
    spec = {
        "table": "demo", "title": f"{name} at its pin (tests/frameworks)",
        "defaults": {"launcher": "per_node", "resources": {"gpus_per_node": 1, "cpus_per_task": 1},
                     "time_limit": 30,
                     "env": {"CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1",
                             "MKL_NUM_THREADS": "1"}},
        "frameworks": {name: block},
        "cells": [dict(cell, entries={name: dict(entry, status="run")})],
    }
    spec_path = base / "spec.yaml"
    spec_path.write_text(json.dumps(spec, indent=1))   # JSON is YAML
    out = base / "sweep"
    r = sweepkit.cli("sweep", spec_path, "--executor", "slurm", "--partition", PARTITION,
                     "--out", out, "--wait", "--cpu-only",
                     env={"VIDBENCH_DEMO_DATA": str(base / "data")}, timeout=timeout)
    (job_dir,) = sorted((out / "jobs").iterdir())
    assert (job_dir / "manifest.json").is_file(), r.stderr[-3000:]
    manifest = json.loads((job_dir / "manifest.json").read_text())
    assert manifest["status"] == "COMPLETED", (
        manifest.get("reason"), (job_dir / "stderr.log").read_text()[-3000:]
        if (job_dir / "stderr.log").is_file() else r.stderr[-3000:])
    return job_dir, manifest


def checkout_is_clean(manifest: dict, allowed: tuple) -> list:
    """``git status`` lines of the job's checkout (its cwd) outside the declared outputs."""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=manifest["cwd"], stdout=subprocess.PIPE, text=True,
                            check=True).stdout.splitlines()
    return [line for line in status if not line[3:].startswith(allowed)]


def probe_headers(job_dir: pathlib.Path) -> list:
    headers = []
    for path in sorted((job_dir / "probe" / "main").glob("probe-*.jsonl")):
        first = path.read_text().splitlines()[0]
        headers.append(json.loads(first))
    return headers
