"""Fixtures of the probe tests: run real Python programs with the probe switched on, read records.

The programs are real trainings on the CPU (torch, TensorFlow, MMAction2); nothing is mocked. The
records are read as raw JSON Lines here, so these tests check the format of docs/DESIGN.md
section 4 independently of ``parsers.probe``.
"""
import json
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

from probekit import Records  # noqa: F401  (a unique module name: every test folder has a conftest)

from orchestrator.probe import probe_env

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def run_probed(tmp_path):
    """Run ``python -c SOURCE`` (or a file) with the probe on; returns (CompletedProcess, Records)."""

    def run(source, *, out=None, extra_env=None, cpu_compat=False, probe=True, timeout=120, args=()):
        script = tmp_path / "train.py"
        script.write_text(textwrap.dedent(source))
        out = pathlib.Path(out or tmp_path / "probe")
        env = dict(os.environ)
        env.pop("VIDBENCH_PROBE_DIR", None)
        env.pop("VIDBENCH_CPU_COMPAT", None)
        env["PYTHONPATH"] = str(ROOT)
        env["OMP_NUM_THREADS"] = "1"   # OpenMP spinning on a shared 2-core machine: 10x slower
        if probe:
            env = probe_env(out, env, cpu_compat=cpu_compat)
        env.update(extra_env or {})
        proc = subprocess.run([sys.executable, str(script), *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=timeout)
        return proc, Records(out)

    return run
