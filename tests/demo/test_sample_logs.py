"""tests/demo_logs and tests/framework_logs: real logs of demo trainings (`make demo-logs`:
MMAction2 1.2.0, and MMAction2 at the page's commit fd993ca with mmcv 1.0.5) give the figures
that the raw records give, recomputed here by hand, through the parsers' Python API and CLI."""
import json
import pathlib
import re
import subprocess
import sys

import pytest

from parsers import summarize

TESTS = pathlib.Path(__file__).resolve().parents[1]
M2, FD993CA = TESTS / "demo_logs" / "mmaction2-1.2.0", TESTS / "framework_logs" / "mmaction2-fd993ca"
SKIP = 50


def records(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def by_hand_mmengine():
    # vis_data/scalars.json: `step` is the global iteration (its position in the run)
    kept = [r["time"] for r in records(M2 / "scalars.json") if "time" in r and r["step"] > SKIP]
    return kept


def by_hand_mmcv():
    # mmcv 1.x .log.json: position (epoch - 1) * N + iter, N = iterations per epoch = the
    # largest `iter` of the first epoch
    train = [r for r in records(FD993CA / "mmcv.log.json") if r.get("mode") == "train"]
    n = max(r["iter"] for r in train if r["epoch"] == 1)
    return [r["time"] for r in train if (r["epoch"] - 1) * n + r["iter"] > SKIP]


def by_hand_probe(path):
    return [r["dt"] for r in records(path) if r.get("kind") == "iter" and r["i"] > SKIP]


def by_hand_mmcv_text():
    times = []
    n = None
    for line in (FD993CA / "mmcv.log").read_text().splitlines():
        m = re.search(r"Epoch \[(\d+)\]\[(\d+)/(\d+)\]\t.*?\btime: ([0-9.]+)", line)
        if m:
            epoch, it, n, t = int(m[1]), int(m[2]), int(m[3]), float(m[4])
            if (epoch - 1) * n + it > SKIP:
                times.append(t)
    return times


CASES = [
    (M2 / "scalars.json", by_hand_mmengine),
    (FD993CA / "mmcv.log.json", by_hand_mmcv),
    (FD993CA / "mmcv.log", by_hand_mmcv_text),
    (M2 / "probe.jsonl", lambda: by_hand_probe(M2 / "probe.jsonl")),
    (FD993CA / "probe.jsonl", lambda: by_hand_probe(FD993CA / "probe.jsonl")),
]


@pytest.mark.parametrize("path,by_hand", CASES, ids=lambda c: getattr(c, "name", ""))
def test_parsed_mean_is_the_mean_of_the_records_after_the_warm_up(path, by_hand):
    kept = by_hand()
    assert kept, "the sample has records after the warm-up"
    summary = summarize(str(path))
    assert summary["n_used"] == len(kept)
    assert summary["mean_s_per_iter"] == pytest.approx(sum(kept) / len(kept), abs=1e-6)
    assert summary["max_gpu_mem_gb"] is None          # CPU trainings log no GPU memory


def test_framework_log_and_probe_agree_on_the_same_run():
    # one mmcv record is the mean of the 10 iterations since the previous one; the probe
    # times each of them: same iterations (51-80), same mean up to rounding of the log
    log = summarize(str(FD993CA / "mmcv.log.json"))["mean_s_per_iter"]
    probe = summarize(str(FD993CA / "probe.jsonl"))["mean_s_per_iter"]
    assert probe == pytest.approx(log, rel=1e-3)


def test_the_cli_detects_each_format():
    out = subprocess.run([sys.executable, "-m", "parsers", "--json", str(M2 / "mmengine.log")],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    d = json.loads(out)
    assert (d["framework"], d["format"]) == ("mmaction2", "mmengine-text")
    assert d["n_used"] == len(by_hand_mmengine())
