"""The C fast path (parsers/_colscan.c) never changes a figure.

Logs of every format, long enough for many chunks past the warm-up and salted with the oddities
real logs have (NaN, exponents, 17-digit times, validation lines, progress bars behind \\r,
records glued on one line, lines of other programs, records without memory), are parsed with
the fast path on and off; the two summaries must be identical, and on clean logs the fast path
must actually have taken chunks. Its pieces (number reading, newline counting, median, find)
are checked against Python's own.
"""
import math
import random
import statistics
import subprocess
import sys
from array import array

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import parsers
from parsers import core, fastpath

pytestmark = pytest.mark.skipif(fastpath._colscan is None,
                                reason="the C fast path is not built (make parsers-ext): nothing to compare")


def _t(t, odd):
    """A time as the log would print it, or the oddity's version of it."""
    if odd == "nan":
        return "NaN"
    if odd == "exp":
        return "%.3e" % t
    if odd == "long":
        return repr(t + 1e-13)
    return "%.4f" % t


def ps(e, i, n, t, mem, odd):
    m = "" if odd == "nomem" else '"gpu_mem": "%.2fG", ' % (mem / 1024)
    return ('[07/06 10:00:05][INFO] logging.py:   96: json_stats: {"_type": "train_iter_", "dt": %s, '
            '"dt_data": 0.00105, "epoch": "%d/99", "eta": "1:00:01", %s"iter": "%d/%d", "loss": 2.1}'
            % (_t(t, odd), e, m, i, n))


def mmcv_text(e, i, n, t, mem, odd):
    m = "" if odd == "nomem" else ", memory: %d" % mem
    return ("2020-07-12 07:22:08,047 - mmaction - INFO - Epoch [%d][%d/%d]\tlr: 1.000e-02, eta: 1 day, "
            "2:03:04, time: %s, data_time: 0.010%s, loss: 0.5" % (e, i, n, _t(t, odd), m))


def mmcv_json(e, i, n, t, mem, odd):
    m = "" if odd == "nomem" else ' "memory": %d,' % mem
    # every real train record logs its losses (parsers/mmcv_logs.py: a val epoch's does not)
    return '{"mode": "train", "epoch": %d, "iter": %d, "lr": 0.01,%s "data_time": 0.1, "time": %s, "loss": 0.5}' % (
        e, i, m, _t(t, odd))


def mmengine_text(e, i, n, t, mem, odd):
    m = "" if odd == "nomem" else "  memory: %d" % mem
    return ("2026/11/26 23:22:59 - mmengine - INFO - Epoch(train)  [%d][%3d/%d]  lr: 1.0000e-02  eta: 0:01:47  "
            "time: %s  data_time: 0.0061%s  loss: 1.2" % (e, i, n, _t(t, odd), m))


def mmengine_json(e, i, n, t, mem, odd):
    step = (e - 1) * n + i
    m = "" if odd == "nomem" else ', "memory": %d' % mem
    return '{"lr": 0.01, "data_time": 0.006, "loss": 1.28, "time": %s, "epoch": %d, "iter": %d%s, "step": %d}' % (
        _t(t, odd), e, step, m, step)


def tsm(e, i, n, t, mem, odd):
    return "Epoch: [%d][%d/%d], lr: 0.01000\tTime %s (0.500)\tData 0.000 (0.000)\tLoss 1.0 (1.0)" % (
        e - 1, i - 1, n, _t(t, odd))


def probe(e, i, n, t, mem, odd):
    k = (e - 1) * n + i
    m = "null" if odd == "nomem" else "%.4f" % (mem / 1024)
    return '{"kind": "iter", "i": %d, "t": 1790000000.%06d, "dt": %s, "mem_gb": %s, "rss_gb": 2.5}' % (
        k, k, _t(t, odd), m)


# name -> (framework, line maker, banner, a line with the marker that is not a train record)
FORMATS = {
    "pyslowfast": ("pyslowfast", ps, "[07/06 10:00:00][INFO] train_net:  256: Train with config:",
                   '[07/06 10:09:00][INFO] logging.py:   96: json_stats: {"_type": "val_iter", "iter": "3/9"}'),
    "mmcv-text": ("mmaction2", mmcv_text, "2020-07-12 07:22:02,577 - mmaction - INFO - Start running, host: a@b",
                  "2020-07-12 08:00:00,000 - mmaction - INFO - Epoch [1][400/400]\ttop1_acc: 0.5, top5_acc: 0.8"),
    "mmcv-json": ("mmaction2", mmcv_json, '{"env_info": "x", "seed": 0}',
                  '{"mode": "val", "epoch": 1, "iter": 400, "top1_acc": 0.5}'),
    "mmengine-text": ("mmaction2", mmengine_text, "2026/11/26 23:22:44 - mmengine - INFO - \nSystem environment:",
                      "2026/11/26 23:30:00 - mmengine - INFO - Epoch(val) [1][10/10]  acc/top1: 0.5"),
    "mmengine-json": ("mmaction2", mmengine_json, None, '{"acc/top1": 0.5, "data_time": 0.1, "time": 0.2, "step": 1}'),
    "tsm-stdout": ("tsm", tsm, "storing name: TSM_x", "Test: [10/20]\tTime 0.100 (0.100)\tLoss 1.0 (1.0)"),
    "probe": ("probe", probe, None, '{"kind": "footer", "n": 3}'),
}
ODDITIES = ["nan", "exp", "long", "val", "cr", "glue", "other", "nomem"]


def build(fmt: str, runs: list, odd_lines: dict) -> str:
    """runs: lists of (e, i, n, t, mem); odd_lines: {(run, k): oddity} of single records."""
    fw, make, banner, not_train = FORMATS[fmt]
    text = fmt.endswith("text") or fmt in ("pyslowfast", "tsm-stdout")
    out = [] if fmt != "probe" else ['{"kind": "header", "pid": 1, "host": "h"}']
    for r, recs in enumerate(runs):
        if banner and (r or fmt != "mmengine-json"):
            out.append(banner)
        for k, rec in enumerate(recs):
            odd = odd_lines.get((r, k))
            line = make(*rec, odd)
            if odd == "val":
                out.append(not_train)
            elif odd == "other":
                out.append("W1127 some other program writes here: time: 3, Epoch 5")
            elif odd == "cr" and text:
                line = "[>>>>     ] 12/400, 3.2 task/s, elapsed: 4s, ETA: 120s\r" + line
            elif odd == "glue" and text and k + 1 < len(recs):
                out.append(line + "  " + make(*recs[k + 1], None))
                continue
            out.append(line)
    return "\n".join(out) + "\n"


@st.composite
def logs(draw, fmt):
    runs = []
    for _ in range(draw(st.integers(1, 2))):
        n = draw(st.integers(5, 60))
        first = draw(st.integers(1, 2))
        count = draw(st.integers(60, 400))
        rnd = random.Random(draw(st.integers(0, 10 ** 6)))
        runs.append([(first + k // n, k % n + 1, n, round(0.1 + rnd.random(), 4), rnd.randint(100, 40000))
                     for k in range(count)])
    odd = {}
    for _ in range(draw(st.integers(0, 6))):
        r = draw(st.integers(0, len(runs) - 1))
        odd[(r, draw(st.integers(0, len(runs[r]) - 1)))] = draw(st.sampled_from(ODDITIES))
    return runs, odd


def summaries(path, fw, skip, monkeypatch):
    """The summary with the fast path and without it (and how many chunks it took)."""
    out = []
    for enabled in (True, False):
        monkeypatch.setattr(fastpath, "ENABLED", enabled)
        monkeypatch.setattr(fastpath, "CHUNKS_TAKEN", 0)
        try:
            out.append((parsers.summarize(str(path), framework=fw, skip=skip), fastpath.CHUNKS_TAKEN))
        except core.LogError as err:
            out.append((f"error: {err}", fastpath.CHUNKS_TAKEN))
    return out


SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@SETTINGS
@given(data=st.data(), chunk=st.sampled_from([512, 2048, 8192]), skip=st.sampled_from([0, 10, 50]))
def test_fast_and_regular_expression_paths_give_the_same_figures(tmp_path, monkeypatch, fmt, data, chunk, skip):
    runs, odd = data.draw(logs(fmt))
    fw = FORMATS[fmt][0]
    path = tmp_path / f"{fmt}.log"
    path.write_text(build(fmt, runs, odd))
    monkeypatch.setattr(core, "CHUNK", chunk)
    (fast, taken), (slow, _) = summaries(path, fw, skip, monkeypatch)
    assert fast == slow
    if not odd and chunk == 512 and skip == 0:
        assert taken > 0, "a clean multi-chunk log should go through the fast path"


def test_clean_logs_of_every_format_take_the_fast_path(tmp_path, monkeypatch):
    """Most chunks of a clean log past its warm-up are read by the C code (else the bench would
    measure the regular expressions)."""
    monkeypatch.setattr(core, "CHUNK", 4096)
    for fmt, (fw, make, banner, _) in FORMATS.items():
        runs = [[(1 + k // 100, k % 100 + 1, 100, 0.5 + (k % 7) / 100, 1000) for k in range(3000)]]
        path = tmp_path / f"{fmt}.log"
        path.write_text(build(fmt, runs, {}))
        (fast, taken), (slow, _) = summaries(path, fw, 50, monkeypatch)
        assert fast == slow and fast["n_used"] == 2950
        chunks = path.stat().st_size // 4096
        assert taken >= chunks - 3, (fmt, taken, chunks)


@given(st.from_regex(r"\A[+-]?[0-9]{0,22}(\.[0-9]{0,22})?([eE][+-]?[0-9]{1,3})?\Z"))
@settings(max_examples=800, deadline=None)
def test_numbers_are_read_as_float_reads_them(text):
    got = fastpath._colscan.to_double(text.encode())
    try:
        want = float(text)
    except ValueError:
        want = None
    if want is not None and not math.isfinite(want):
        want = None
    if got is None:
        assert want is None
    else:
        assert got == want and math.copysign(1, got) == math.copysign(1, want)


def test_seventeen_digit_reprs_and_float_midpoints_are_exact():
    rnd = random.Random(5)
    for _ in range(50_000):
        x = rnd.random() * 10 ** rnd.randint(-3, 3)
        for text in (repr(x), "%.17f" % x, "%.19g" % x):
            assert fastpath._colscan.to_double(text.encode()) == float(text), text


@given(st.binary(max_size=3000))
def test_newlines_are_counted_as_bytes_count_counts_them(buf):
    assert fastpath.count_lines(buf) == buf.count(b"\n")


@given(st.binary(max_size=400), st.binary(min_size=1, max_size=12), st.integers(0, 50))
def test_find_finds_what_bytes_find_finds(hay, needle, start):
    assert fastpath.find(hay, needle, start) == hay.find(needle, start)


@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=400))
def test_median_is_the_median(values):
    assert fastpath.median(array("d", values)) == statistics.median(values)


def test_pure_mode_prints_the_same_summary(tmp_path):
    """VIDBENCH_PARSERS_PURE=1 (the regular expressions only) prints what the fast path prints."""
    runs = [[(1 + k // 50, k % 50 + 1, 50, 0.3 + (k % 11) / 100, 2000) for k in range(40_000)]]
    path = tmp_path / "big.log"
    path.write_text(build("mmcv-text", runs, {}))
    cmd = [sys.executable, "-m", "parsers.mmaction2", "--json", str(path)]
    fast = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    pure = subprocess.run(cmd, capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "VIDBENCH_PARSERS_PURE": "1"}).stdout
    assert fast == pure and '"n_used": 39950' in fast
