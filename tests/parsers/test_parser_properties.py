"""Property tests: logs generated in every format from known per-iteration times give exactly
the figures that the rules of DEFINITIONS.md give, computed here independently; cut logs give
the figures of their complete lines or the one-line error."""
import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import parsers
from parsers import LogError, core


def _ps(e, i, n, t, mem):
    return ('[07/06 10:00:05][INFO] logging.py:   96: json_stats: {"_type": "train_iter", "epoch": "%d/99", '
            '"eta": "1 day, 0:00:01", "gpu_mem": "%.2f GB", "iter": "%d/%d", "loss": NaN, "time_diff": %.6f}'
            % (e, mem / 1024, i, n, t))


def _mmcv(e, i, n, t, mem):
    return ("2020-07-12 07:22:08,047 - mmaction - INFO - Epoch [%d][%d/%d]\tlr: 1.000e-02, eta: 1 day, 2:03:04, "
            "time: %.3f, data_time: 0.010, memory: %d, loss: 0.5" % (e, i, n, t, mem))


def _mmcv_v1(e, i, n, t, mem):
    return "2019-06-01 10:00:10,000 - INFO - Epoch [%d][%d/%d]\tlr: 0.01000, time: %.3f, data_time: 0.300, memory: %d" % (
        e, i, n, t, mem)


def _mmcv_json(e, i, n, t, mem):
    return '{"mode": "train", "epoch": %d, "iter": %d, "lr": 0.01, "memory": %d, "data_time": 0.1, "time": %.5f, "loss": 0.5}' % (
        e, i, mem, t)


def _mmengine(e, i, n, t, mem):
    return ("2026/11/26 23:22:59 - mmengine - INFO - Epoch(train) [%d][%3d/%d]  lr: 1.0000e-02  eta: 0:01:47  "
            "time: %.4f  data_time: 0.0061  memory: %d  loss: 1.2" % (e, i, n, t, mem))


def _tsm(e, i, n, t, mem):
    return "Epoch: [%d][%d/%d], lr: 0.01000\tTime %.3f (0.500)\tData 0.000 (0.000)\tLoss 1.0 (1.0)" % (e - 1, i - 1, n, t)


# name -> (framework, line maker, banner line or None, has N on records, has memory, JSON lines?)
FORMATS = {
    "pyslowfast": ("pyslowfast", _ps, "[07/06 10:00:00][INFO] train_net:  256: Train with config:", True, True, False),
    "mmcv-text": ("mmaction2", _mmcv, "2020-07-12 07:22:02,577 - mmaction - INFO - Start running, host: a@b, work_dir: w",
                  True, True, False),
    "mmcv0-text": ("mmaction", _mmcv_v1, "2019-06-01 10:00:01,000 - INFO - Start running, host: a@b, work_dir: /w",
                   True, True, False),
    "mmcv-json": ("mmaction2", _mmcv_json, '{"env_info": "x", "seed": 0}', False, True, True),
    "mmengine-text": ("mmaction2", _mmengine, "2026/11/26 23:22:44 - mmengine - INFO - \nSystem environment:", True, True,
                      False),
    "tsm-stdout": ("tsm", _tsm, "storing name: TSM_x", True, False, False),
}


@st.composite
def runs(draw):
    """1-3 runs; each: first epoch, iterations per epoch N, log period, number of records, times."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(1, 25))
        period = draw(st.integers(1, min(n, 6)))
        per_epoch = n // period
        count = draw(st.integers(1, 40))
        first = draw(st.integers(1, 3))
        recs = []
        for k in range(count):
            e = first + k // per_epoch
            i = (k % per_epoch + 1) * period
            t = draw(st.integers(1, 3000)) / 1000          # exact in 3 decimals
            mem = draw(st.integers(100, 40000))
            recs.append((e, i, n, t, mem))
        out.append(recs)
    return out


def expected(all_runs, skip, has_n):
    """DEFINITIONS.md, independently: position by run, warm-up by position, pooled mean."""
    kept, skipped, mems = [], 0, []
    for recs in all_runs:
        first = recs[0][0]
        largest_first = max(i for e, i, n, t, m in recs if e == first)
        for e, i, n, t, m in recs:
            per = n if has_n else largest_first
            pos = i if e == first else (e - first) * per + i
            mems.append(m)
            if pos <= skip:
                skipped += 1
            else:
                kept.append(t)
    return kept, skipped, mems


def build(fmt, all_runs):
    fw, make, banner, has_n, has_mem, js = FORMATS[fmt]
    lines, ends = [], []     # ends: per record, (run, index of its line)
    for recs in all_runs:
        if not js:
            lines.append("Some header text, eta: 1 day, 2:03:04")
        lines.append(banner)
        for r in recs:
            lines.append(make(*r))
    return "\n".join(lines) + "\n"


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])


@pytest.fixture
def chunk_size():
    """Small read chunks put banners, runs and warm-ups across chunk borders (and exercise the
    whole-chunk fast path of ``Accumulator.bulk``)."""
    saved = core.CHUNK

    def set_size(n):
        core.CHUNK = n
    yield set_size
    core.CHUNK = saved


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@SETTINGS
@given(all_runs=runs(), skip=st.integers(0, 60), chunk=st.sampled_from([200, 700, 4096, 1 << 20]),
       nan_at=st.one_of(st.none(), st.integers(0, 200)))
def test_generated_logs_give_the_defined_figures(tmp_path, chunk_size, fmt, all_runs, skip, chunk, nan_at):
    fw, make, banner, has_n, has_mem, js = FORMATS[fmt]
    chunk_size(chunk)
    flat = [(r, k) for r in range(len(all_runs)) for k in range(len(all_runs[r]))]
    if nan_at is not None and nan_at < len(flat):      # one record's time becomes NaN
        r, k = flat[nan_at]
        e, i, n, t, m = all_runs[r][k]
        all_runs[r][k] = (e, i, n, math.nan, m)
    path = tmp_path / f"gen-{fmt}.log"
    path.write_text(build(fmt, all_runs))
    kept, skipped, mems = expected(all_runs, skip, has_n)
    nonfinite = sum(1 for t in kept if t != t)
    kept = [t for t in kept if t == t]
    if not kept:
        with pytest.raises(LogError, match="all within the first|non-finite|NaN"):
            parsers.summarize(path, framework=fw, skip=skip)
        return
    for framework in (fw, None):
        s = parsers.summarize(path, framework=framework, skip=skip)
        assert s["n_runs"] == len(all_runs)
        assert s["n_train_records"] == sum(map(len, all_runs))
        assert (s["n_skipped_warmup"], s["n_used"], s["n_nonfinite"]) == (skipped, len(kept), nonfinite)
        assert s["mean_s_per_iter"] == round(math.fsum(kept) / len(kept), 6)
        srt = sorted(kept)
        assert s["median_s_per_iter"] == round((srt[(len(srt) - 1) // 2] + srt[len(srt) // 2]) / 2, 6)
        if has_mem:
            want = max(mems) / 1024
            assert s["max_gpu_mem_gb"] == (round(want, 4) if fmt != "pyslowfast" else round(round(want, 2), 4))
        else:
            assert s["max_gpu_mem_gb"] is None


@st.composite
def probe_runs(draw):
    return [[draw(st.integers(1, 2000)) / 1000 for _ in range(draw(st.integers(1, 30)))]
            for _ in range(draw(st.integers(1, 3)))]


@SETTINGS
@given(procs=probe_runs(), skip=st.integers(0, 20))
def test_probe_directory_pools_processes(tmp_path, procs, skip):
    d = tmp_path / "probe"
    d.mkdir(exist_ok=True)
    for f in d.glob("*"):
        f.unlink()
    kept = []
    for k, dts in enumerate(procs):
        lines = ['{"kind": "header", "pid": %d}' % k, '{"kind": "iter", "i": 1, "t": 1.0, "dt": null, "mem_gb": null}']
        for i, dt in enumerate(dts, 2):
            lines.append('{"kind": "iter", "i": %d, "t": 1.0, "dt": %.6f, "mem_gb": null, "rss_gb": 1.0}' % (i, dt))
            if i > skip:
                kept.append(dt)
        (d / f"probe-h-{k}.jsonl").write_text("\n".join(lines) + "\n")
    if not kept:
        with pytest.raises(LogError):
            parsers.summarize(d, framework="bsn", skip=skip)
        return
    s = parsers.summarize(d, framework="bsn", skip=skip)
    assert (s["n_runs"], s["n_used"]) == (len(procs), len(kept))
    assert s["mean_s_per_iter"] == round(math.fsum(kept) / len(kept), 6)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@SETTINGS
@given(all_runs=runs(), cut=st.floats(0, 1))
def test_cut_logs_give_the_figures_of_their_complete_lines(tmp_path, fmt, all_runs, cut):
    fw, make, banner, has_n, has_mem, js = FORMATS[fmt]
    text = build(fmt, all_runs).encode()
    at = int(len(text) * cut)
    path = tmp_path / f"cut-{fmt}.log"
    path.write_bytes(text[:at])
    # the records whose line is complete: ends with its newline before the cut (JSON: a whole object suffices)
    complete, off, k = [], 0, 0
    flat = [(r_i, rec) for r_i, recs in enumerate(all_runs) for rec in recs]
    for line in text.split(b"\n")[:-1]:
        end = off + len(line)
        if k < len(flat) and line == make(*flat[k][1]).encode():
            if end + 1 <= at or (js and end <= at):
                complete.append(flat[k])
            k += 1
        off = end + 1
    cut_runs = [[rec for r_i, rec in complete if r_i == j] for j in range(len(all_runs))]
    cut_runs = [r for r in cut_runs if r]
    kept, skipped, _ = expected(cut_runs, 0, has_n) if cut_runs else ([], 0, [])
    try:
        s = parsers.summarize(path, framework=fw, skip=0)
    except LogError as err:
        assert not kept, str(err)
        assert "\n" not in str(err)
        return
    assert s["n_used"] == len(kept)
    assert s["mean_s_per_iter"] == round(math.fsum(kept) / len(kept), 6)


def test_huge_line_of_progress_bars_is_read_in_pieces(tmp_path, chunk_size):
    """A console capture whose records hide behind \\r in one endless line: every \\r-segment is
    examined on its own, and the line is passed on in pieces instead of growing in memory."""
    chunk_size(1024)
    segs, times = [], []
    for i in range(1, 201):
        segs.append("[>>>>>>>>      ] %d/200, ETA: 1s" % i)
        t = (i % 7 + 1) / 10
        times.append(t)
        segs.append("2020-07-12 07:22:08,047 - mmaction - INFO - Epoch [1][%d/200]\tlr: 1e-2, time: %.3f, "
                    "data_time: 0.010, memory: 100, loss: 0.5" % (i, t))
    path = tmp_path / "progress.log"
    path.write_text("\r".join(segs) + "\n")
    s = parsers.summarize(path, framework="mmaction2", skip=50)
    assert (s["n_train_records"], s["n_used"]) == (200, 150)
    assert s["mean_s_per_iter"] == round(math.fsum(times[50:]) / 150, 6)


@pytest.mark.parametrize("decimals", [3, None])
def test_median_of_many_values_is_exact(decimals):
    """Beyond 250k kept records the median is found by radix selection: same value as sorting."""
    import random
    import statistics
    from array import array
    rnd = random.Random(decimals)
    values = array("d", ((round(rnd.random() * 3, decimals) if decimals else rnd.random() * 3)
                         for _ in range(300_001 + (decimals or 0))))
    assert core._median(values) == round(statistics.median(values), 6)
