"""Hostile command lines and sweep folders (issues 15 and 16), through the real CLI, make, git
and the local executor: #SBATCH and recipe injection, hangs, silently accepted options, resume
reruns of finished jobs, job folders deleted under a running sweep, a missing bundle."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sweepkit as kit  # noqa: E402
from sweepkit import repo, spec_with  # noqa: E402,F401 (repo: a fixture)

from orchestrator.spec.expand import expand  # noqa: E402
from orchestrator.spec.load import load_spec  # noqa: E402
from orchestrator.sweep.options import SweepOptions  # noqa: E402
from orchestrator.sweep.start import plan_job
from orchestrator.sweep.checkout import CheckoutError, Checkouts  # noqa: E402




def dry_run(tmp_path, spec, *args, timeout=60):
    return kit.cli("sweep", spec, "--dry-run", "--out", tmp_path / "sweep",
                   "--cache", tmp_path / "cache", *args, timeout=timeout)


def one_line_error(r, *words):
    assert r.returncode != 0, r.stdout
    assert "Traceback" not in r.stderr, r.stderr
    err = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(err) == 1, r.stderr
    for w in words:
        assert w in err[0], err[0]
    return err[0]


# --------------------------------------------------------------------------- injection


@pytest.mark.parametrize("args, words", [
    (["--partition", "gpu\n#SBATCH --account=other"], ["--partition", "a newline"]),
    (["--partition", "gpu", "--account", "me\necho pwned"], ["--account", "a newline"]),
    (["--partition", "gpu", "--qos", "hi\rx"], ["--qos", "a carriage return"]),
    (["--partition", "gpu", "--slurm-arg", "reservation=a\nb"], ["--slurm-arg reservation"]),
    (["--partition", "gpu", "--slurm-arg", "x y=1"], ["not an sbatch option name"]),
    (["--partition", "gpu", "--out", "/tmp/a\nb"], ["--out", "a newline"]),
])
def test_values_that_would_end_an_sbatch_line_are_refused(tmp_path, repo, args, words):
    spec = spec_with(tmp_path, repo, {"a": (0, 0)})
    r = kit.cli("sweep", spec, "--dry-run", "--cache", tmp_path / "cache", *args)
    one_line_error(r, *words)


def make_sweep(*variables):
    """``make sweep`` for real, its venv taken as built (-o venv), this Python."""
    return subprocess.run(["make", "-s", "-o", "venv", f"PY={sys.executable}", "sweep",
                           "PARTITION=gpu", "DRY_RUN=1", *variables], cwd=kit.ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def test_make_passes_every_value_to_the_orchestrator_as_one_argument(tmp_path, repo):
    """`make sweep ONLY="x'; touch ...; echo '"` once ran the touch in the recipe."""
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    spec = spec_with(tmp_path, repo, {"a": (0, 0)})
    pwned = tmp_path / "pwned"
    only = f"x'; touch {pwned}; echo '$(shell touch {pwned})"
    r = make_sweep(f"JOBS={spec}", f"ONLY={only}", f"SWEEP_ARGS=--cache {tmp_path / 'cache'}")
    assert not pwned.exists(), r.stderr
    assert f"matching --only {only!r}" in r.stderr, r.stderr     # it arrived verbatim
    r = make_sweep(f"JOBS={spec}", f"SWEEP_ARGS=--cache {tmp_path}/c --account $(shell touch "
                                   f"{pwned}); touch {pwned}; echo")
    assert not pwned.exists(), r.stderr
    # each word is one argument: the shell never saw `;`, the orchestrator refuses the extras
    assert r.returncode != 0 and "unrecognized arguments: touch " in r.stderr, r.stderr


# --------------------------------------------------------------------------- silently accepted


def test_set_must_name_a_declared_variable_and_give_a_value(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"a": (0, 0)})
    one_line_error(dry_run(tmp_path, spec, "--partition", "gpu", "--set", "MARKR=x"),
                   "no spec declares the variable MARKR", "declared: MARKER")
    one_line_error(dry_run(tmp_path, spec, "--partition", "gpu", "--set", "MARKER="),
                   "--set MARKER= gives an empty value", "default")
    assert dry_run(tmp_path, spec, "--partition", "gpu", "--set", "MARKER=/m").returncode == 0


@pytest.mark.parametrize("only", ["", ",", " , "])
def test_an_empty_only_is_an_error_not_every_job(tmp_path, repo, only):
    spec = spec_with(tmp_path, repo, {"a": (0, 0), "b": (0, 0)})
    one_line_error(dry_run(tmp_path, spec, "--partition", "gpu", "--only", only),
                   "gives no pattern")


def test_huge_repeats_are_refused_at_once(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"a": (0, 0)})
    r = dry_run(tmp_path, spec, "--partition", "gpu", "--repeats", "99999999999999999999",
                timeout=60)
    one_line_error(r, "repeats must be at most 100")


# nine anchors, each nine of the one before: 9**9 strings once expanded, 90 in the text
BOMB = ['"x-a": &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] + [
    f'"x-{c}": &{c} [{", ".join([f"*{p}"] * 9)}]' for p, c in zip("abcdefgh", "bcdefghi")]


def test_an_alias_bomb_fails_fast_in_sweep_and_in_report(tmp_path, repo):
    """It hung the loader for over 30 s (and 600-940 MB), also through a CSV's spec column."""
    spec = spec_with(tmp_path, repo, {"a": (0, 0)})
    bomb = tmp_path / "bomb.yaml"
    text = spec.read_text()       # JSON: one flow mapping, where anchors may go too
    bomb.write_text("{" + ", ".join(BOMB) + ", " + text.lstrip()[1:].replace(
        '"title": "sweep tests"', '"title": "sweep tests", "description": *i'))
    one_line_error(dry_run(tmp_path, bomb, "--partition", "gpu", timeout=30), "alias bomb")
    page = (kit.ROOT / "tests/results/page_figures.csv").read_text().splitlines()
    csv = tmp_path / "results.csv"
    csv.write_text(page[0] + ",spec\n" + page[1] + f",{bomb}\n")
    r = kit.cli("report", csv, timeout=30)
    one_line_error(r, "alias bomb", str(bomb))


# --------------------------------------------------------------------------- the probe


def test_a_command_that_escapes_the_probe_is_warned_and_flagged(tmp_path, repo):
    path, commit = repo
    spec = kit.write_spec(tmp_path / "spec.yaml", path, commit, tmp_path / "marker",
                          {"a": (0, 0)})
    data = json.loads(spec.read_text())
    data["cells"][0]["entries"]["fw"]["command"].insert(1, "-I")
    spec.write_text(json.dumps(data))
    r = dry_run(tmp_path, spec, "--partition", "gpu")
    assert r.returncode == 0, r.stderr
    assert "warning: demo--a--fw--r0 stage main: the timing probe will not start " \
           "(python -I (isolated mode))" in r.stderr
    opts = SweepOptions(partition="gpu", executor="local")
    job = expand(load_spec(spec))[0]
    plan, _ = plan_job(job, opts, tmp_path / "job", path)
    assert plan["initial_manifest"]["probe_escapes"] == {"main": ["python -I (isolated mode)"]}
    plan, _ = plan_job(job, SweepOptions(partition="gpu", probe=False), tmp_path / "j", path)
    assert "probe_escapes" not in plan["initial_manifest"]   # no probe asked: nothing escapes
    # run for real: the manifest carries both the static flag and what the run showed
    out = start_local(tmp_path, spec)
    assert wait_settled(out, 1) == {"demo--a--fw--r0": "COMPLETED"}
    m = kit.manifests(out)["demo--a--fw--r0"]
    assert m["probe_escapes"] == {"main": ["python -I (isolated mode)"]}
    assert m["stages"][0]["probe_missing"].startswith("the stage wrote no probe records")


# --------------------------------------------------------------------------- checkouts


def test_a_missing_bundle_is_named_with_every_place_it_was_looked_for(tmp_path, repo, capsys):
    path, commit = repo
    bundles = tmp_path / "bundles"
    bundles.mkdir()
    checkouts = Checkouts(tmp_path / "cache", bundle_dirs=[bundles])
    with pytest.raises(CheckoutError) as err:
        checkouts.prepare(str(tmp_path / "no-such-repo"), commit, "nosuch.bundle")
    msg = str(err.value)
    assert "bundle 'nosuch.bundle' was not found" in msg and str(bundles / "nosuch.bundle") in msg
    assert "was not found" in capsys.readouterr().err        # said before the URL is tried
    # the URL still stands in where it works, with the same warning
    co = checkouts.prepare(str(path), commit, "nosuch.bundle")
    assert co.commit == commit and "using " + str(path) in capsys.readouterr().err


# --------------------------------------------------------------------------- sweep state


def start_local(tmp_path, spec):
    out = tmp_path / "sweep"
    r = kit.cli("sweep", spec, "--partition", "gpu", "--executor", "local", "--out", out,
                "--cache", tmp_path / "cache")
    assert r.returncode == 0, r.stderr
    return out


def states_of(out) -> dict:
    r = kit.cli("status", out, "--json")
    assert r.returncode == 0, r.stderr
    return {d["name"]: d["state"] for d in map(json.loads, r.stdout.splitlines())}


def wait_settled(out, n):
    return kit.wait_until(lambda: (s := states_of(out)) and len(s) == n and all(
        v not in ("PENDING", "RUNNING") for v in s.values()) and s, timeout=120,
        what="the jobs to end")


def test_resume_never_reruns_a_job_whose_outputs_show_it_ran(tmp_path, repo):
    spec = spec_with(tmp_path, repo, {"gone": (0, 0), "null": (0, 0), "odd": (0, 0),
                                      "fresh": (0, 0)})
    out = start_local(tmp_path, spec)
    assert set(wait_settled(out, 4).values()) == {"COMPLETED"}
    jobs = out / "jobs"
    (jobs / "demo--gone--fw--r0/manifest.json").unlink()
    (jobs / "demo--null--fw--r0/manifest.json").write_text("null\n")
    (jobs / "demo--odd--fw--r0/manifest.json").write_text('{"status": "DONE"}\n')
    # no logs, no probe records, no manifest: nothing says it ran, so it may run again
    for sub in ("manifest.json", "logs", "probe"):
        p = jobs / "demo--fresh--fw--r0" / sub
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    r = kit.cli("status", out)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "manifest.json is missing, but the job left logs or probe records" in r.stdout
    states = states_of(out)
    assert [states[f"demo--{n}--fw--r0"] for n in ("gone", "null", "odd")] == ["INSPECT"] * 3
    r = kit.cli("resume", out, "--wait")
    assert "resubmitted 1 job(s)" in r.stderr and "resubmitted demo--fresh--fw--r0" in r.stderr
    runs = kit.marker_lines(tmp_path / "marker")
    assert runs.count("demo--fresh--fw--r0 -") == 2
    for n in ("gone", "null", "odd"):
        assert runs.count(f"demo--{n}--fw--r0 -") == 1        # never ran again
    assert json.loads((jobs / "demo--odd--fw--r0/manifest.json").read_text()) == {"status": "DONE"}


def test_a_job_folder_deleted_under_the_local_runner(tmp_path, repo):
    """The runner goes on (the next job is not LOST); status and collect name the lost ones."""
    spec = spec_with(tmp_path, repo, {"a": (4, 0), "b": (0, 0), "c": (0, 0)})
    out = start_local(tmp_path, spec)
    jobs = out / "jobs"
    kit.wait_until(lambda: (tmp_path / "marker").exists(), timeout=60, what="job a to start")
    shutil.rmtree(jobs / "demo--b--fw--r0")          # waiting in the runner's queue
    shutil.rmtree(jobs / "demo--a--fw--r0")          # running right now
    states = wait_settled(out, 3)
    assert states == {"demo--a--fw--r0": "MISSING", "demo--b--fw--r0": "MISSING",
                      "demo--c--fw--r0": "COMPLETED"}
    r = kit.cli("status", out)
    assert "its folder jobs/demo--b--fw--r0 is gone" in r.stdout
    r = kit.cli("collect", out)
    assert r.returncode == 0, r.stderr
    assert "2 job(s) of the sweep have no folder (deleted?) and no row: demo--a--fw--r0, " \
           "demo--b--fw--r0" in r.stderr
    runner_log = "".join(p.read_text() for p in (out / "submitit").rglob("*.out"))
    assert "Traceback" not in runner_log, runner_log
    # the runner wrote nothing back into the deleted job (the training's own probe, still
    # running when the folder went, may have made its probe/ folder again)
    assert not (jobs / "demo--a--fw--r0/manifest.json").exists()
    assert not (jobs / "demo--a--fw--r0/logs").exists()
    assert kit.marker_lines(tmp_path / "marker") == ["demo--a--fw--r0 -", "demo--c--fw--r0 -"]
