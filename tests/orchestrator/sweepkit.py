"""Building blocks of the sweep tests: a real git repository standing in for a framework, a
small spec whose jobs run a tiny Python program from it, and a runner of the real CLI.

The "framework" (work.py) appends one line per run to a marker file outside the checkout (so a
test can assert that each job ran exactly once), writes a log file into its work dir (so log
collection is checked), sleeps, and exits with the status it is told (99: fails on its first run
only).
"""
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WORK_PY = textwrap.dedent('''\
    import os, sys, time
    marker, name, sleep_s, code = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    with open(marker, "a") as f:
        f.write(name + " " + os.environ.get("SLURM_JOB_ID", "-") + "\\n")
    os.makedirs("out/" + name, exist_ok=True)
    with open("out/" + name + "/train.log", "w") as f:
        f.write("iter 1 time 0.5\\n")
    print("training", name, "argv", sys.argv[1:], flush=True)
    time.sleep(sleep_s)
    if code == 99:  # fails on its first run only (a flaky job, for resume)
        flag = marker + "." + name + ".failed-once"
        if not os.path.exists(flag):
            open(flag, "w").close()
            sys.exit(1)
        code = 0
    sys.exit(code)
''')


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True).stdout.strip()


def make_repo(path: Path) -> str:
    """A git repository with work.py; returns the commit."""
    path.mkdir(parents=True)
    git("init", "-q", cwd=path)
    (path / "work.py").write_text(WORK_PY)
    git("add", "work.py", cwd=path)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "framework",
        cwd=path)
    return git("rev-parse", "HEAD", cwd=path)


def write_spec(path: Path, repo: Path, commit: str, marker: Path, entries: dict,
               time_limit: int = 5, gpus: int = 1) -> Path:
    """A spec with one cell per entry: {cell_id: (sleep_s, exit_code)}. JSON is YAML."""
    cells = []
    for cell_id, (sleep_s, code) in entries.items():
        cells.append({
            "id": cell_id, "model": cell_id, "input": "x", "io_backend": "Disk",
            "batch_per_gpu": 1, "gpus": gpus,
            "entries": {"fw": {"status": "run", "command": [
                sys.executable, "work.py", "${MARKER}", "${JOB_NAME}", str(sleep_s), str(code)]}},
        })
    spec = {
        "table": "demo", "title": "sweep tests",
        "variables": {"MARKER": {"default": str(marker)}},
        "frameworks": {"fw": {
            "repo": str(repo), "commit": commit, "launcher": "per_node",
            "time_limit": time_limit, "resources": {"gpus_per_node": 1},
            "log_globs": ["out/${JOB_NAME}/*.log"], "outputs": ["out"],
        }},
        "cells": cells,
    }
    path.write_text(json.dumps(spec, indent=1))
    return path


@pytest.fixture
def repo(tmp_path):
    """(path, commit) of a fresh real repository standing in for a framework (a fixture: a
    test module imports it by name)."""
    path = tmp_path / "framework"
    return path, make_repo(path)


def spec_with(tmp_path, repo, entries, **kw):
    """A spec of ``entries`` on ``repo`` (the fixture's pair), its marker file in ``tmp_path``."""
    path, commit = repo
    return write_spec(tmp_path / "spec.yaml", path, commit, tmp_path / "marker", entries, **kw)


def cli(*args, env=None, timeout=240, check=False):
    """Run ``python -m orchestrator ARGS`` for real; returns the CompletedProcess."""
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run([sys.executable, "-m", "orchestrator", *map(str, args)], cwd=ROOT,
                       env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"exit {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}")
    return r


def marker_lines(marker: Path) -> list:
    return sorted(marker.read_text().split("\n")[:-1]) if marker.exists() else []


def manifests(sweep_dir: Path) -> dict:
    out = {}
    for m in sorted((Path(sweep_dir) / "jobs").glob("*/manifest.json")):
        out[m.parent.name] = json.loads(m.read_text())
    return out


def slurm_unavailable() -> str:
    """Why the real-Slurm tests cannot run here ('' when they can)."""
    if shutil.which("sinfo") is None:
        if os.geteuid() != 0:
            return "no Slurm here and not root, so ci/slurm/up.sh cannot start one"
        return "sinfo not found: run `bash ci/slurm/up.sh` (make test does) to start Slurm"
    r = subprocess.run(["sinfo", "-h", "-o", "%P %a"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or " up" not in r.stdout:
        return f"Slurm does not answer (sinfo: {(r.stderr or r.stdout).strip()[:200]}); " \
               f"run `bash ci/slurm/up.sh`"
    r = subprocess.run(["sacct", "-n", "-X", "-S", "now"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return "sacct does not work (accounting off): job states after cancel/timeout need it"
    return ""


def wait_until(pred, timeout=60.0, poll=0.2, what="condition"):
    t0 = time.time()
    while time.time() - t0 < timeout:
        v = pred()
        if v:
            return v
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
