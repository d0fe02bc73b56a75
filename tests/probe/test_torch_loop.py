"""A plain PyTorch training whose step time is known: the probe's count and per-iteration times.

Each step sleeps 50 ms before ``optimizer.step()``, so every iteration lasts at least 50 ms; the
script also takes its own ``perf_counter`` right after each step and writes them to a file, an
independent measure of the same instants. DataLoader workers (forked) and a spawned helper that
never steps (multiprocessing's resource tracker) must write no iteration records; a spawned child
that steps writes its own.
"""
import json
import statistics

import pytest

pytestmark = pytest.mark.training

STEPS = 30
SLEEP = 0.05

LOOP = f"""
import json, multiprocessing as mp, sys, time
import torch

def stepping_child(n):
    import torch
    m = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    for _ in range(n):
        opt.zero_grad(); m(torch.ones(1, 2)).sum().backward(); opt.step()

if __name__ == "__main__":
    ctx = mp.get_context("spawn")
    p = ctx.Process(target=stepping_child, args=(5,)); p.start(); p.join()
    assert p.exitcode == 0, p.exitcode
    data = torch.utils.data.TensorDataset(torch.randn(4 * {STEPS}, 8), torch.randn(4 * {STEPS}, 1))
    loader = torch.utils.data.DataLoader(data, batch_size=4, num_workers=2)   # forked workers
    model = torch.nn.Linear(8, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    stamps = []
    for x, y in loader:
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        time.sleep({SLEEP})
        opt.step()
        stamps.append(time.perf_counter())
    json.dump(stamps, open("stamps.json", "w"))
    print("trained", len(stamps))
    sys.exit(3)
"""


def test_probe_counts_and_times_every_step(run_probed, tmp_path):
    proc, records = run_probed(LOOP)
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert proc.stdout == f"trained {STEPS}\n"          # nothing of the probe on stdout
    stamps = json.loads((tmp_path / "stamps.json").read_text())

    stepping = records.stepping()
    counts = sorted(len(iters) for iters in stepping.values())
    assert counts == [5, STEPS]           # the main loop and the spawned child that steps
    main = next(iters for iters in stepping.values() if len(iters) == STEPS)
    assert [r["i"] for r in main] == list(range(1, STEPS + 1))
    assert main[0]["dt"] is None
    dts = [r["dt"] for r in main[1:]]
    own = [b - a for a, b in zip(stamps, stamps[1:])]
    assert all(dt >= SLEEP for dt in dts)
    # the same instants read twice: each pair differs by the few lines between the probe's hook and
    # the script's stamp (a scheduler tick on a busy machine), and the sums telescope
    assert max(abs(d - o) for d, o in zip(dts, own)) < 0.02
    assert abs(sum(dts) - sum(own)) < 0.02
    assert SLEEP <= statistics.median(dts) < SLEEP + 0.03
    assert all(r["mem_gb"] is None and 0.05 < r["rss_gb"] < 8 for r in main)   # CPU: RSS, no GPU figure
    ts = [r["t"] for r in main]
    assert ts == sorted(ts)

    # every process that ran the sitecustomize (main, the spawned child, multiprocessing's
    # resource tracker) has a header and a footer; the forked DataLoader workers never stepped
    # and left no file
    assert len(records.files) == 3
    argvs = sorted(" ".join(h["argv"]) for h in records.headers())
    assert sum("resource_tracker" in a for a in argvs) == 1, argvs
    assert all(h["forked_from"] is None for h in records.headers())
    for path, recs in records.by_file.items():
        assert recs[0]["kind"] == "header" and recs[-1]["kind"] == "footer"
        assert recs[-1]["n_iter"] == len(records.iters(path))
        assert recs[0]["marker"] in ("torch_step_post_hook", None)
    assert not records.of_kind("error")


WRAP = """
import torch
class Nested(torch.optim.SGD):
    def step(self, closure=None):          # a subclass whose step calls its base's step
        return super().step(closure)
m = torch.nn.Linear(2, 1)
a = Nested(m.parameters(), lr=0.1)
b = torch.optim.SGD(m.parameters(), lr=0.1)   # a second optimizer: only the first stepper marks
for _ in range(7):
    m(torch.ones(1, 2)).sum().backward()
    a.step(); b.step(); b.step()
print("ok")
"""


@pytest.mark.parametrize("marker", ["torch_step_post_hook", "torch_step_wrap"])
def test_nested_and_second_optimizers_do_not_count_twice(run_probed, marker):
    extra = {"VIDBENCH_PROBE_MARKER": "wrap"} if marker == "torch_step_wrap" else {}
    proc, records = run_probed(WRAP, extra_env=extra)
    assert proc.returncode == 0, proc.stderr[-2000:]
    path, iters = records.only_stepping()
    assert len(iters) == 7
    assert records.by_file[path][0]["marker"] == marker
