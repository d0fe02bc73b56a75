"""Slurm preemption: SIGUSR1 flushes the records and runs the program's own handler; SIGTERM leaves
complete records (every line valid JSON, a footer) and the process still dies of SIGTERM."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from orchestrator.probe import probe_env

pytestmark = pytest.mark.training

FOREVER = """
import signal, sys, time
import torch

def on_usr1(signum, frame):                       # installed after the probe: chained behind it
    open("usr1.txt", "w").write(str(done))

done = 0
signal.signal(signal.SIGUSR1, on_usr1)
assert signal.getsignal(signal.SIGUSR1) is on_usr1
m = torch.nn.Linear(2, 1)
opt = torch.optim.SGD(m.parameters(), lr=0.01)
while True:
    opt.zero_grad(); m(torch.ones(1, 2)).sum().backward(); opt.step()
    done += 1
    open("progress.tmp", "w").write(str(done)); __import__("os").replace("progress.tmp", "progress.txt")
    time.sleep(0.02)
"""


def wait_for(predicate, timeout=90):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def read_int(path):
    try:
        return int(path.read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def test_sigusr1_flushes_and_chains_then_sigterm_leaves_complete_records(tmp_path):
    (tmp_path / "train.py").write_text(FOREVER)
    env = probe_env(tmp_path / "probe", dict(os.environ, OMP_NUM_THREADS="1"))
    proc = subprocess.Popen([sys.executable, "train.py"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: read_int(tmp_path / "progress.txt") >= 10)
        proc.send_signal(signal.SIGUSR1)
        at_signal = int(wait_for(lambda: (tmp_path / "usr1.txt").exists() and (tmp_path / "usr1.txt").read_text()))
        files = list((tmp_path / "probe").glob("probe-*.jsonl"))
        assert len(files) == 1
        lines = files[0].read_text().splitlines()
        # on disk before the program's handler ran: all steps up to the signal (every step is
        # written at once; the probe flushes anything pending before chaining the handler)
        assert sum(json.loads(l)["kind"] == "iter" for l in lines) >= at_signal
        assert proc.poll() is None                     # the program's handler let it go on

        wait_for(lambda: read_int(tmp_path / "progress.txt") >= at_signal + 5)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGTERM, err.decode()[-2000:]
    assert _out == b""
    records = [json.loads(line) for line in files[0].read_text().splitlines()]   # all valid JSON
    steps = read_int(tmp_path / "progress.txt")
    iters = [r for r in records if r["kind"] == "iter"]
    # the step in progress may have marked before the script counted it
    assert steps <= len(iters) <= steps + 1
    assert [r["i"] for r in iters] == list(range(1, len(iters) + 1))
    assert records[0]["kind"] == "header"
    assert records[-1] == {**records[-1], "kind": "footer", "reason": "signal", "signal": "SIGTERM",
                           "n_iter": len(iters)}
