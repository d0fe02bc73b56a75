"""Every PySlowFast ``json_stats`` train-record shape real versions write (docs/LOG-SHAPES.md).

The samples reproduce the shapes field type for field type (strings "1", "1/20", "10"; integers;
``time_diff`` / ``dt`` / ``dt_diff``; memory with and without units; CRLF; launches appended;
LOG_PERIOD 10, so the 50-iteration warm-up is the first 5 records of a run). The figures are
worked out here from the record times the samples print, by the rules of DEFINITIONS.md.
"""
import pathlib
import statistics

import pytest

import parsers
from parsers import core, fastpath, pyslowfast

S = pathlib.Path(__file__).parent / "samples"


def figures(times):
    return round(sum(times) / len(times), 6), round(statistics.median(times), 6)


def test_ava_2020_string_cur_epoch_and_cur_iter_time_diff():
    # 8299c98's AVAMeter: "cur_epoch": "1", "cur_iter": "10", time_diff, "mode": "train", no N, no memory
    s = parsers.summarize(S / "pyslowfast-ava-cur-iter.log")
    # epoch 1 logs iterations 10..80 (N = 80, the largest of the first epoch); epoch 2 sits at 80 + i
    kept = [0.954120, 0.962318, 0.948872, 0.990001, 0.965432, 0.958765]
    assert (s["n_train_records"], s["n_skipped_warmup"], s["n_used"]) == (11, 5, 6)
    assert (s["mean_s_per_iter"], s["median_s_per_iter"]) == figures(kept)
    assert s["max_gpu_mem_gb"] is None
    assert s["n_other_records"] == 2          # a val_iter and a val_epoch record


def test_ava_dt_era_cur_epoch_of_max_epoch_crlf_two_launches():
    # upstream 2020-09..2022 AVAMeter: "cur_epoch": "1/20", "cur_iter": "10", dt/dt_data/dt_net,
    # CRLF line ends, a second launch (resumed at epoch 2) appended after a crash
    s = parsers.summarize(S / "pyslowfast-ava-dt-crlf-appended.log")
    run1 = [1.08712, 1.09120, 1.08888, 1.07777]     # e1 i60 i70, then e2 i10 i20 at 70 + i
    run2 = [1.09006, 1.09507]                       # its own warm-up: e2 i10..i50 dropped
    assert (s["n_runs"], s["n_banners"], s["n_train_records"], s["n_skipped_warmup"]) == (2, 2, 16, 10)
    assert (s["mean_s_per_iter"], s["median_s_per_iter"]) == figures(run1 + run2)
    assert [(r["first_epoch"], r["n_used"], r["mean_s_per_iter"]) for r in s["per_run"]] == \
        [(1, 4, figures(run1)[0]), (2, 2, figures(run2)[0])]
    assert [(r["first_line"], r["last_line"]) for r in s["per_run"]] == [(4, 14), (21, 27)]


def test_ava_dt_records_keep_dt_data_as_data_time():
    p = parsers.parse(S / "pyslowfast-ava-dt-crlf-appended.log")
    first = p.records[0]
    assert (first.epoch, first.iter, first.iters_per_epoch, first.time_s, first.data_time_s, first.mem_gb) == \
        (1, 10, None, 1.15624, 0.00057, None)


def test_epic_fork_dt_diff_with_gpu_mem_and_integer_mem():
    # EPIC-KITCHENS fork: the time is dt_diff; "gpu_mem": "5.22G" is the GPU memory, "mem": 6 is not
    s = parsers.summarize(S / "pyslowfast-epic-dt-diff.log")
    assert (s["n_train_records"], s["n_skipped_warmup"], s["n_used"]) == (7, 5, 2)
    assert (s["mean_s_per_iter"], s["median_s_per_iter"]) == figures([0.53012, 0.52743])
    assert s["max_gpu_mem_gb"] == 5.31


@pytest.mark.parametrize("value,want", [
    (b"1", (1, None)), (b'"1"', (1, None)), (b'"1/20"', (1, 20)), (b'"10"', (10, None)),
    (b'"10/600"', (10, 600)), (b' 7', (7, None)),
])
def test_epoch_and_iteration_values_of_every_era(value, want):
    assert pyslowfast._count(value) == want


@pytest.mark.parametrize("text,gib", [
    (b'{"gpu_mem": "4.45 GB", "x": 1}', 4.45),       # 2020
    (b'{"gpu_mem": "7.63G", "x": 1}', 7.63),         # X3D era on
    (b'{"gpu_mem": 2.5, "x": 1}', 2.5),              # a bare number: GiB
    (b'{"mem": 2048, "x": 1}', 2.0),                 # the oldest: MiB
    (b'{"mem": "3072 MB", "x": 1}', 3.0),            # a unit says its own
    (b'{"x": 1}', None),
])
def test_memory_with_and_without_units(text, gib):
    assert pyslowfast._mem(text) == gib


def test_integer_cur_epoch_and_cur_iter_still_read():
    row = pyslowfast._row(b'{"_type": "train_iter", "cur_epoch": 2, "cur_iter": 30, "time_diff": 0.5}', 7)
    assert row == (7, 2, 30, None, 0.5, None, None, 1)


def test_a_refused_log_says_what_was_expected_and_what_was_found(tmp_path):
    log = tmp_path / "stdout.log"
    log.write_text('[01/02 10:00:00][INFO] train_net.py:  433: Train with config:\n'
                   '[01/02 10:00:05][INFO] logging.py:   98: json_stats: {"_type": "train_iter", '
                   '"dt": 0.5, "eta": "0:01:00", "step": "10"}\n'
                   '[01/02 10:00:06][INFO] logging.py:   98: json_stats: {"_type": "val_epoch", "epoch": "1/2"}\n')
    with pytest.raises(parsers.LogError) as err:
        parsers.summarize(log)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{log}: no train iteration records")
    assert 'expected `json_stats: {...}` lines of "_type": "train_iter*"' in msg
    assert "found line 2 'json_stats: {\"_type\": \"train_iter\", \"dt\": 0.5" in msg
    assert "not counted because it has no epoch or cur_epoch" in msg


def test_a_log_of_epoch_records_only_names_the_first_one(tmp_path):
    log = tmp_path / "json_stats.log"
    log.write_text('json_stats: {"_type": "train_epoch", "dt": 0.31556, "epoch": "1/20"}\n')
    with pytest.raises(parsers.LogError, match=r"found line 1 .*not counted because its _type is "
                                               r"'train_epoch', not train_iter\*"):
        parsers.summarize(log)


def test_other_formats_name_the_first_line_holding_their_marker(tmp_path):
    log = tmp_path / "20210101_000000.log"
    log.write_text("2021-01-01 00:00:00,000 - mmaction - INFO - Epoch [1][20/100]\tlr: 1e-2, loss: 0.5\n")
    with pytest.raises(parsers.LogError) as err:
        parsers.summarize(log, framework="mmaction2")
    msg = str(err.value)
    assert "expected `Epoch [E][I/N]\\tlr: ..., time: T, data_time: D, memory: M, ...` lines" in msg
    assert "found line 1 '2021-01-01 00:00:00,000 - mmaction - INFO - Epoch [1][20/100]\\tlr: 1e-2, loss: 0.5', " \
        "not counted because it has no time field" in msg


# --------------------------------------------------------------------------- one reading, traced

def test_read_gives_summary_kept_times_and_every_records_position():
    p = parsers.read(S / "pyslowfast-ava-dt-crlf-appended.log", trace=True)
    s = p.summary()
    assert list(p.times) == [1.08712, 1.09120, 1.08888, 1.07777, 1.09006, 1.09507]
    assert s["mean_s_per_iter"] == figures(list(p.times))[0]
    (pos1, t1), (pos2, t2) = p.series
    assert list(pos1) == [10, 20, 30, 40, 50, 60, 70, 80, 90]     # e2 i10 -> 70 + 10
    assert list(pos2) == [10, 20, 30, 40, 50, 60, 70]
    assert (t1[0], t2[0]) == (1.15624, 1.30001)


def test_read_refuses_what_summarize_refuses(tmp_path):
    log = tmp_path / "short.log"
    log.write_text('json_stats: {"_type": "train_iter", "cur_epoch": "1", "cur_iter": "10", "time_diff": 0.5}\n')
    with pytest.raises(parsers.LogError, match="all within the first 50"):
        parsers.read(log)


def _dense_log(path, crlf=False, n=3000):
    """Many records past the warm-up in the AVA dt shape and the gpu_mem dt shape (fast path)."""
    end = "\r\n" if crlf else "\n"
    lines = ["[12/15 17:20:11][INFO] train_net.py:  434: Train with config:"]
    for i in range(1, n + 1):
        t = 1.0 + (i % 7) / 100
        lines.append('[12/15 17:29:59][INFO] logging.py:   98: json_stats: {"_type": "train_iter", '
                     f'"dt": {t:.5f}, "dt_data": 0.00057, "dt_net": 1.15567, "epoch": "1/20", "eta": "0:03:41", '
                     f'"gpu_mem": "7.63G", "iter": "{i}/{n}", "loss": 0.76131, "lr": 0.00102}}')
    path.write_bytes((end.join(lines) + end).encode())
    return path


@pytest.mark.skipif(not fastpath.ENABLED, reason="the C fast path is not built (make parsers-ext)")
@pytest.mark.parametrize("crlf", [False, True])
def test_traced_reading_takes_the_fast_path_and_agrees_with_the_pure_one(tmp_path, monkeypatch, crlf):
    log = _dense_log(tmp_path / "dense.log", crlf)
    before = fastpath.CHUNKS_TAKEN
    fast = parsers.read(log, trace=True)
    taken = fastpath.CHUNKS_TAKEN - before
    monkeypatch.setattr(fastpath, "ENABLED", False)
    pure = parsers.read(log, trace=True)
    assert fast.summary() == pure.summary()
    assert [(list(a), list(b)) for a, b in fast.series] == [(list(a), list(b)) for a, b in pure.series]
    assert list(fast.series[0][0]) == list(range(1, 3001))
    if not crlf:
        assert taken > 0, "consecutive positions: the fast path should take chunks"


def test_banner_closes_the_runs_slice_of_kept_times():
    # per-run figures of appended launches: each run's own kept times (not an empty slice)
    s = parsers.summarize(S / "pyslowfast-2020-timediff-dup-appended.log", skip=1)
    assert [(r["n_used"], r["mean_s_per_iter"]) for r in s["per_run"]] == [(3, 0.4), (2, 0.3)]


def test_accumulator_trace_records_warmup_positions_too():
    acc = core.Accumulator(skip=2, trace=True)
    acc.feed([(1, 1, 1, 3, 0.9, None, None, 1), (2, 1, 2, 3, 0.1, None, None, 1), (3, 1, 3, 3, 0.2, None, None, 1),
              (4, 2, 1, 3, 0.3, None, None, 1)])
    acc.finish()
    assert list(acc.trace_pos) == [1, 2, 3, 4] and list(acc.times) == [0.2, 0.3]
