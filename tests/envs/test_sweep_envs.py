"""A sweep resolves each job's recipe to its environment before anything is written: an unknown
recipe, or the old prose fields, are one-line errors; a dry run builds nothing."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SPEC = textwrap.dedent("""\
    table: recognition
    frameworks:
      mmaction2:
        repo: https://example.org/mmaction2.git
        commit: %s
        environment: {recipe: %s, setup: envs/mmaction2.sh}
    cells:
      - model: TSN
        input: 256p rawframes
        io_backend: Disk
        batch_per_gpu: 2
        gpus: 1
        entries:
          mmaction2: {status: run, command: [python, tools/train.py, c.py]}
    """)


def sweep(tmp_path, text, *extra):
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    return subprocess.run([sys.executable, "-m", "orchestrator", "sweep", str(spec),
                           "--partition", "gpu", *extra], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, VIDBENCH_ENV_DIR=str(tmp_path / "envs")))


def test_an_unknown_recipe_stops_the_sweep_with_one_line(tmp_path):
    out = sweep(tmp_path, SPEC % ("a" * 40, "no-such-env"), "--executor", "local",
                "--out", str(tmp_path / "sweep"))
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith("error: no environment recipe 'no-such-env' in ")
    assert "(named by framework mmaction2; known: " in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "sweep").exists()


def test_a_dry_run_names_the_environment_folder_and_builds_nothing(tmp_path):
    out = sweep(tmp_path, SPEC % ("a" * 40, "mmaction2-fd993ca"), "--dry-run")
    assert out.returncode == 0, out.stderr
    assert f"export VIDBENCH_ENV_PATH={tmp_path / 'envs'}/mmaction2-fd993ca-" in out.stdout
    assert not (tmp_path / "envs").exists()


def test_the_prose_conda_field_is_gone(tmp_path):
    text = (SPEC % ("a" * 40, "mmaction2-fd993ca")).replace(
        "environment: {recipe: mmaction2-fd993ca,", "environment: {conda: 'python=3.7 pytorch=1.4',")
    out = sweep(tmp_path, text, "--dry-run")
    assert out.returncode == 1 and "unknown key 'conda'" in out.stderr and "recipe" in out.stderr
