"""The probe must never hurt the run: its own failures are reported once, off stdout, and the
training goes on with the same output and exit status; a user's sitecustomize still runs."""
import json
import os
import subprocess
import sys

import pytest

from orchestrator.probe import INJECT_DIR, probe_env

TRAIN = """
import torch
torch.manual_seed(0)
m = torch.nn.Linear(2, 1)
opt = torch.optim.SGD(m.parameters(), lr=0.1)
for i in range(12):
    opt.zero_grad(); m(torch.ones(1, 2)).sum().backward(); opt.step()
print("weight", round(float(m.weight.sum()), 6))
"""

NO_TORCH = """
import sys
print("hello", sys.argv[1:])
sys.exit(4)
"""


@pytest.mark.training
def test_a_probe_that_raises_at_every_mark_does_not_stop_the_training(run_probed):
    plain, _ = run_probed(TRAIN, probe=False)
    proc, records = run_probed(TRAIN, extra_env={"VIDBENCH_PROBE_FAULT": "mark"})
    assert proc.returncode == plain.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == plain.stdout                    # the same training, the same result
    errors = records.of_kind("error")
    assert len(errors) == 1                               # reported once, not 12 times
    assert errors[0]["where"] == "mark" and "VIDBENCH_PROBE_FAULT=mark" in errors[0]["error"]
    assert records.of_kind("footer")[0]["errors"] == ["mark"]
    assert not records.stepping()


def test_an_unwritable_record_folder_costs_one_stderr_line(run_probed, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the records should go\n")
    proc, _ = run_probed(NO_TORCH, out=blocker / "probe", args=("x",))
    assert proc.returncode == 4
    assert proc.stdout == "hello ['x']\n"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("vidbench probe: cannot write records to ")


def test_a_failing_start_is_reported_and_the_program_runs(run_probed):
    proc, records = run_probed(NO_TORCH, extra_env={"VIDBENCH_PROBE_FAULT": "start"})
    assert (proc.returncode, proc.stdout, proc.stderr) == (4, "hello []\n", "")
    assert [e["where"] for e in records.of_kind("error")] == ["start"]


def test_switched_off_it_writes_nothing_and_the_users_sitecustomize_still_runs(tmp_path):
    user_site = tmp_path / "user_site"
    user_site.mkdir()
    (user_site / "sitecustomize.py").write_text(
        "import os\nos.environ['USER_SITECUSTOMIZE'] = 'ran'\n")
    script = "import os, sitecustomize; print(os.environ.get('USER_SITECUSTOMIZE'), sitecustomize.__file__)"
    for switched_on in (True, False):
        env = dict(os.environ, PYTHONPATH=str(user_site))
        env.pop("VIDBENCH_PROBE_DIR", None)
        if switched_on:
            env = probe_env(tmp_path / "probe", env)
        else:   # injected folder on the path, probe switched off
            env["PYTHONPATH"] = f"{INJECT_DIR}{os.pathsep}{user_site}"
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout == f"ran {user_site / 'sitecustomize.py'}\n"
        assert out.stderr == ""
    files = list((tmp_path / "probe").glob("*.jsonl"))
    assert len(files) == 1                                  # only the probed run wrote
    header = json.loads(files[0].read_text().splitlines()[0])
    assert header["argv"][1:] == ["-c", script]
