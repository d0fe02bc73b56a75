"""Plots: the per-iteration series come from the parsers' one reading of each log (positions
placed in their run by the parsers' rule, warm-up included), never from a second rule here."""
import sys
from pathlib import Path

from orchestrator.results import plots

sys.path.insert(0, str(Path(__file__).parent))
from sweeps import PROBE_DT, PYSF_R0  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "parsers" / "samples"


def test_a_jobs_series_are_its_log_records_and_its_probe_iterations(sweep):
    job = "recognition--i3d-heavy--256p-videos--pyslowfast--r0"
    log = sweep / "jobs" / job / "logs" / "main" / "stdout.log"
    log_series, probe_series = plots.series_for(log, "pyslowfast", job, sweep)
    assert log_series.label == "pyslowfast log"
    assert (log_series.x, log_series.y) == (list(range(1, 301)), PYSF_R0)
    assert probe_series.label == "timing probe"
    assert probe_series.y == PROBE_DT and probe_series.x == list(range(2, 301))


def test_appended_launches_are_one_series_each_positioned_in_their_own_run():
    series = plots.series_for(SAMPLES / "pyslowfast-ava-dt-crlf-appended.log", "pyslowfast", "j", SAMPLES)
    assert [s.label for s in series] == ["pyslowfast log, run 1", "pyslowfast log, run 2"]
    assert series[0].x == [10, 20, 30, 40, 50, 60, 70, 80, 90]     # epoch 2 continues after 70
    assert series[1].x == [10, 20, 30, 40, 50, 60, 70]


def test_a_log_the_parsers_refuse_has_no_series(tmp_path):
    bad = tmp_path / "stdout.log"
    bad.write_text("nothing here\n")
    assert plots.series_for(bad, "pyslowfast", "j", tmp_path) == []
