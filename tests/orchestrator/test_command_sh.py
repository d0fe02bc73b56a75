"""The rendered command.sh of the real specs, as the job runs it (golden files, as submitit
tests its sbatch string), and ``bash -n`` on every script a dry run of the real sweep writes.

Golden files: tests/orchestrator/golden/<table>--<framework>.command.sh, one job per framework
of jobs/recognition.yaml and jobs/localization.yaml, rendered for Slurm with fixed folders
(vidbench at /opt/vidbench, the checkout, the job folder and the recipe's environment under
placeholders), so they change only when the rendering or the spec does. Regenerate them with
``make golden`` (VIDBENCH_REGEN_GOLDEN=1) and read the diff.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.job import jobplan
from orchestrator.spec.expand import expand
from orchestrator.spec.load import load_spec

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
SPECS = {"recognition": ROOT / "jobs" / "recognition.yaml",
         "localization": ROOT / "jobs" / "localization.yaml"}
FAKE_ROOT = Path("/opt/vidbench")
FAKE_HASH = "0123456789ab"   # the recipe's hash: its own tests (tests/envs) cover it


def first_job_per_framework():
    out = []
    for table, path in SPECS.items():
        seen = set()
        for job in expand(load_spec(path), variables={}):
            if job.framework not in seen:
                seen.add(job.framework)
                out.append((table, job))
    return out


def render(job) -> str:
    ref = None
    if job.environment.recipe:
        ref = jobplan.EnvRef(job.environment.recipe, FAKE_HASH,
                             Path(f"/envs/{job.environment.recipe}-{FAKE_HASH}"))
    ctx = jobplan.PlanContext(executor="slurm", vidbench_root=FAKE_ROOT,
                              job_dir=Path("/sweep/jobs") / job.name,
                              checkout=Path(f"/checkouts/worktrees/{job.framework}-{job.commit[:12]}"),
                              env_ref=ref)
    text = jobplan.render_command_sh(job, ctx)
    repo = Path(__file__).resolve().parents[2]
    return text.replace(str(jobplan.ENVINFO_SCRIPT),
                        str(FAKE_ROOT / jobplan.ENVINFO_SCRIPT.relative_to(repo)))


JOBS = first_job_per_framework()


@pytest.mark.parametrize("table, job", JOBS, ids=[f"{t}--{j.framework}" for t, j in JOBS])
def test_command_sh_is_exactly_the_golden_file(table, job):
    text = render(job)
    golden = GOLDEN / f"{table}--{job.framework}.command.sh"
    if os.environ.get("VIDBENCH_REGEN_GOLDEN") == "1":
        golden.write_text(text)
    assert golden.is_file(), f"{golden} missing: run make golden"
    assert text == golden.read_text()


def test_every_framework_of_both_tables_has_a_golden_file():
    assert sorted(f"{t}--{j.framework}" for t, j in JOBS) == [
        "localization--bmn", "localization--bsn", "localization--mmaction2",
        "recognition--mmaction", "recognition--mmaction2", "recognition--pyslowfast",
        "recognition--tsm"]


@pytest.mark.parametrize("table, job", JOBS, ids=[f"{t}--{j.framework}" for t, j in JOBS])
def test_command_sh_activates_the_recipe_environment_by_path_never_a_recipe_string(table, job):
    text = render(job)
    assert "conda activate" not in text
    recipe = job.environment.recipe
    assert recipe, f"{job.framework}: every framework of the page has a recipe"
    assert f"export VIDBENCH_ENV_PATH=/envs/{recipe}-{FAKE_HASH}" in text
    setup = FAKE_ROOT / job.environment.setup
    assert text.index("VIDBENCH_ENV_PATH=") < text.index(f"source {setup}")


def test_bash_accepts_every_script_of_a_dry_run_of_the_real_sweep(tmp_path):
    """`make sweep PARTITION=gpu DRY_RUN=1`: every sbatch script and command.sh it prints."""
    out = subprocess.run(
        [sys.executable, "-m", "orchestrator", "sweep", str(SPECS["recognition"]),
         str(SPECS["localization"]), "--partition", "gpu", "--dry-run"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, VIDBENCH_ENV_DIR=str(tmp_path / "envs")))
    assert out.returncode == 0, out.stderr
    scripts, current = [], None
    for line in out.stdout.splitlines(keepends=True):
        if re.match(r"# (====|----) ", line):
            current = []
            scripts.append(current)
            continue
        if current is not None:
            current.append(line)
    texts = ["".join(s) for s in scripts if "".join(s).strip()]
    n_jobs = out.stdout.count("# ==== job ")
    assert n_jobs > 20 and len(texts) == 2 * n_jobs   # an sbatch script and a command.sh each
    for i, text in enumerate(texts):
        path = tmp_path / f"script{i}.sh"
        path.write_text(text)
        check = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, f"{text[:300]}\n{check.stderr}"
    assert "conda activate" not in out.stdout
    assert f"VIDBENCH_ENV_PATH={tmp_path / 'envs'}/mmaction2-fd993ca-" in out.stdout
