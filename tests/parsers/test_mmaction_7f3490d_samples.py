"""tests/framework_logs/mmaction-7f3490d: real logs of MMAction 7f3490d's TSN R18 demo training
(mmcv 0.4.4, 2 epochs of 40 iterations, CPU compatibility mode), read by parsers.mmaction."""
import json
import pathlib

import pytest

from parsers import summarize

SAMPLES = pathlib.Path(__file__).resolve().parents[1] / "framework_logs" / "mmaction-7f3490d"


def by_hand():
    """Mean `time` of the train records whose global iteration (epoch-1)*40 + iter is past 50."""
    records = [json.loads(line) for line in (SAMPLES / "mmcv.log.json").read_text().splitlines()]
    times = [r["time"] for r in records
             if r["mode"] == "train" and (r["epoch"] - 1) * 40 + r["iter"] > 50]
    return len(records), sum(times) / len(times)


@pytest.mark.parametrize("name", ["mmcv.log.json", "mmcv.log"])
def test_both_mmcv_logs_give_the_mean_after_the_warm_up(name):
    n_records, mean = by_hand()
    got = summarize(SAMPLES / name, framework="mmaction")
    assert (got["n_train_records"], got["n_used"]) == (n_records, 3)   # records at 60, 70, 80
    assert got["mean_s_per_iter"] == pytest.approx(mean, abs=1e-3)     # the text log has 3 decimals


def test_the_probe_of_the_same_run_agrees_with_the_log():
    log = summarize(SAMPLES / "mmcv.log.json", framework="mmaction")
    probe = summarize(SAMPLES / "probe.jsonl", framework="probe")
    assert probe["n_used"] == 30
    assert log["mean_s_per_iter"] == pytest.approx(probe["mean_s_per_iter"], rel=0.02)
    source = json.loads((SAMPLES / "SOURCE.json").read_text())
    assert source["commit"].startswith("7f3490d") and source["libraries"]["mmcv"] == "0.4.4"
