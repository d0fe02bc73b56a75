"""Ends without exit code lose no finished step, and the reader says the run was cut short.

Issue 15: a process ending with ``os._exit`` kept 193 of 249 steps (the records were buffered),
the steps of a forked child and of multiprocessing-fork Pool workers wrote no file, and after a
SIGKILL at step 5 one record remained and ``parsers.probe`` said only "no train iteration
records". Each case here is a real PyTorch training on the CPU under the probe; the records are
read as raw JSON Lines (``probekit.Records``) and by ``python -m parsers.probe``.
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from orchestrator.probe import probe_env

pytestmark = pytest.mark.training

STEP = """
import torch
model = torch.nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.01)

def steps(n):
    for _ in range(n):
        opt.zero_grad(); model(torch.ones(1, 2)).sum().backward(); opt.step()
"""


def parse_probe(out_dir, *args):
    env = dict(os.environ, PYTHONPATH=str(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    return subprocess.run([sys.executable, "-m", "parsers.probe", "--json", *args, str(out_dir)],
                          capture_output=True, text=True, timeout=60, env=env)


def test_os_exit_keeps_every_step_and_the_run_is_reported_incomplete(run_probed, tmp_path):
    proc, records = run_probed(STEP + "steps(249)\nimport os; os._exit(0)\n")
    assert proc.returncode == 0, proc.stderr[-2000:]
    path, iters = records.only_stepping()
    assert [r["i"] for r in iters] == list(range(1, 250))        # all 249, none buffered away
    assert records.of_kind("footer") == []                        # os._exit: no exit code ran

    parsed = parse_probe(tmp_path / "probe")
    assert parsed.returncode == 0, parsed.stderr
    summary = json.loads(parsed.stdout)
    assert summary["n_train_records"] == 248 and summary["n_used"] == 199   # i = 51..249
    incomplete = [w for w in summary["warnings"] if "incomplete run" in w]
    assert incomplete == [f"{path.name}: incomplete run: no footer (the process ended without the probe's exit "
                          "record: SIGKILL, os._exit, a crash, or still running) after 249 iteration marks "
                          "up to i=249 (248 timed records): the run was cut short"]


def test_a_forked_child_that_steps_writes_its_own_file(run_probed):
    proc, records = run_probed(STEP + """
import os
steps(3)
pid = os.fork()
if pid == 0:
    steps(7)
    os._exit(0)
_, status = os.waitpid(pid, 0)
assert status == 0, status
steps(2)
""")
    assert proc.returncode == 0, proc.stderr[-2000:]
    stepping = records.stepping()
    by_count = sorted((len(iters), path) for path, iters in stepping.items())
    assert [n for n, _ in by_count] == [5, 7]          # the parent's 3 + 2, the child's 7
    child = records.by_file[by_count[0][1] if by_count[0][0] == 7 else by_count[1][1]]
    parent = records.by_file[by_count[0][1] if by_count[0][0] == 5 else by_count[1][1]]
    assert child[0]["kind"] == "header" and child[0]["forked_from"] == parent[0]["pid"]
    assert [r["i"] for r in child if r["kind"] == "iter"] == list(range(1, 8))
    assert parent[-1]["kind"] == "footer" and parent[-1]["n_iter"] == 5


@pytest.mark.parametrize("leave", ["close", "terminate"])
def test_multiprocessing_fork_pool_workers_write_their_steps_and_a_footer(run_probed, leave):
    proc, records = run_probed(STEP + f"""
import multiprocessing as mp, os, time

def work(n):
    steps(n)
    return os.getpid()

if __name__ == "__main__":
    pool = mp.get_context("fork").Pool(2)
    pids = pool.map(work, [4, 4, 4, 4], chunksize=1)
    pool.{leave}()
    pool.join()
    print(len(set(pids)))
""")
    assert proc.returncode == 0, proc.stderr[-2000:]
    workers = int(proc.stdout)
    stepping = records.stepping()
    assert len(stepping) == workers and sum(len(i) for i in stepping.values()) == 16
    for path, iters in stepping.items():
        recs = records.by_file[path]
        assert recs[0]["forked_from"] is not None
        assert recs[-1]["kind"] == "footer" and recs[-1]["n_iter"] == len(iters), (path, recs[-1])
        # terminate(): SIGTERM to the workers still running; one that already took its
        # sentinel leaves through its exit code (both write the footer)
        assert recs[-1]["reason"] in (("exit",) if leave == "close" else ("exit", "signal"))


def test_a_sigterm_while_the_footer_is_written_waits_for_the_footer(run_probed):
    # CI saw a Pool worker end without a footer: terminate()'s SIGTERM reached it while it was
    # leaving through its exit code, the handler found the probe already closing and let the
    # default action kill it before the footer was out. The fault hook sends the SIGTERM there.
    proc, records = run_probed(STEP + "steps(3)\n", extra_env={"VIDBENCH_PROBE_FAULT": "sigterm-in-close"})
    assert proc.returncode == -signal.SIGTERM, proc.stderr[-2000:]   # the signal still ends it
    path, iters = records.only_stepping()
    footer = records.by_file[path][-1]
    assert footer["kind"] == "footer" and footer["n_iter"] == 3 and footer["reason"] == "exit"


KILLED = STEP + """
import sys, time
steps(5)
open("stepped.txt", "w").write("5")
time.sleep(120)
"""


def test_sigkill_at_step_5_leaves_5_records_and_the_parser_says_the_run_was_cut_short(tmp_path):
    (tmp_path / "train.py").write_text(KILLED)
    env = probe_env(tmp_path / "probe", dict(os.environ, OMP_NUM_THREADS="1"))
    proc = subprocess.Popen([sys.executable, "train.py"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        end = time.monotonic() + 90
        while not (tmp_path / "stepped.txt").exists() and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    (path,) = (tmp_path / "probe").glob("probe-*.jsonl")
    kinds = [json.loads(line)["kind"] for line in path.read_text().splitlines()]
    assert kinds == ["header"] + ["iter"] * 5

    parsed = parse_probe(tmp_path / "probe")
    assert parsed.returncode == 1 and parsed.stdout == ""
    assert parsed.stderr.count("\n") == 1 and "Traceback" not in parsed.stderr
    assert parsed.stderr == (
        f"error: {tmp_path / 'probe'}: 4 train records, all within the first 50 iterations of their run; "
        "nothing left to average (`--skip 0` keeps them); "
        f"{path.name}: incomplete run: no footer (the process ended without the probe's exit record: SIGKILL, "
        "os._exit, a crash, or still running) after 5 iteration marks up to i=5 (4 timed records): "
        "the run was cut short\n")
    kept = json.loads(parse_probe(tmp_path / "probe", "--skip", "0").stdout)
    assert kept["n_used"] == 4 and any("after 5 iteration marks" in w for w in kept["warnings"])
