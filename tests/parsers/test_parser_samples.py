"""The stored sample logs (one per format era and oddity) give the figures worked out by hand.

Each expectation is computed in the comment beside it from the sample's lines and the rules of
DEFINITIONS.md (position in run, warm-up skip, pooled mean), not from the parser's output.
"""
import pathlib

import pytest

import parsers

S = pathlib.Path(__file__).parent / "samples"

CASES = [
    # file, framework, skip, format, runs, n_train, skipped, used, nonfinite, mean, median, mem
    # run A: e1 i1 1.5, i2 .3 (warm-up), i3 .4, e2 i1 (pos 4) .5, e2 i2 NaN; run B (2nd banner, starts e2):
    # 2.0, .25 (warm-up), .35. Console copies ignored. mean (.4+.5+.35)/3
    ("pyslowfast-2020-timediff-dup-appended.log", "pyslowfast", 2, "json_stats", 2, 8, 4, 3, 1,
     0.416667, 0.4, 5.0),
    # e1 i2 (pos 2) warm-up; e1 i4 .2; e2 i2 pos 6 .3; e2 i4 .4 -> .3; gpu_mem 7.70G
    ("pyslowfast-x3d-dt.out", "pyslowfast", 2, "json_stats", 1, 4, 1, 3, 0, 0.3, 0.3, 7.7),
    # AVA at 8299c98 ("cur_epoch": "1", "cur_iter": "10", LOG_PERIOD 10, no N): e1 i10..i80, e2 i10..i30;
    # positions 10..50 warm-up (5 records); kept e1 60 70 80 (.954120 .962318 .948872), e2 at 80+10..
    # (.990001 .965432 .958765): mean 5.779508/6; median (.958765+.962318)/2
    ("pyslowfast-ava-cur-iter.log", "pyslowfast", 50, "json_stats", 1, 11, 5, 6, 0, 0.963251, 0.960541, None),
    # skip 75: e1 i80 (.948872) and e2 (pos 90 100 110) kept
    ("pyslowfast-ava-cur-iter.log", "pyslowfast", 75, "json_stats", 1, 11, 7, 4, 0, 0.965768, 0.962098, None),
    # console-only form counts; mem 3072 MiB = 3 GiB
    ("pyslowfast-oldest-mem-mib.log", "pyslowfast", 0, "json_stats", 1, 2, 0, 2, 0, 0.45, 0.45, 3.0),
    # glued after a progress bar, \r segments, CRLF: 1.1 (warm-up), .4, .5, .3; memory 3000 MiB
    ("mmaction2-0x-mmcv-text-glued-cr.log", "mmaction2", 2, "mmcv-text", 1, 4, 1, 3, 0, 0.4, 0.4, 2.9297),
    # run 1: 1.0 (warm-up) .2 .4(e2 i2 -> pos 4+2); run 2 after the meta line: .9 (warm-up) .5 NaN
    ("mmaction2-0x-mmcv-appended.log.json", "mmaction2", 2, "mmcv-json", 2, 6, 2, 3, 1, 0.366667, 0.4, 4.0),
    # interval 20: positions 20, 40 dropped by skip 50; 60 and 80 kept
    ("mmaction-v1-mmcv0-text.log", "mmaction", 50, "mmcv-text", 1, 4, 2, 2, 0, 0.53, 0.53, 5.5),
    # Iter(train): 2 (warm-up), 4, 6, 10 -> (.5+.3+.2)/3; memory 1536 MiB
    ("mmaction2-1x-mmengine-iter-loop.log", "mmaction2", 2, "mmengine-text", 1, 4, 1, 3, 0, 0.333333, 0.3, 1.5),
    # run 1: e0 i0 5.0, i1 .3 (warm-up), i2 .4, e1 i0 (pos 4) .6; run 2 (resumed): 9.0 (warm-up), .25
    ("tsm-stdout-resumed.log", "tsm", 2, "tsm-stdout", 2, 6, 3, 3, 0, 0.416667, 0.4, None),
    ("tsm-log.csv", "tsm", 2, "tsm-log.csv", 1, 3, 2, 1, 0, 0.336, 0.336, None),
    # two ranks, i=1 has no dt; skip 2 drops i=2: (.2 + .3)/2; mem max 2.25
    ("probe-two-ranks", "bmn", 2, "probe-jsonl", 2, 4, 2, 2, 0, 0.25, 0.25, 2.25),
]


@pytest.mark.parametrize("name,fw,skip,fmt,runs,n,skipped,used,nonfinite,mean,median,mem", CASES)
def test_sample_figures(name, fw, skip, fmt, runs, n, skipped, used, nonfinite, mean, median, mem):
    for framework in (fw, None):
        s = parsers.summarize(S / name, framework=framework, skip=skip)
        assert s["format"] == fmt
        assert (s["n_runs"], s["n_train_records"], s["n_skipped_warmup"], s["n_used"], s["n_nonfinite"]) == \
            (runs, n, skipped, used, nonfinite)
        assert s["mean_s_per_iter"] == mean
        assert s["median_s_per_iter"] == median
        assert s["max_gpu_mem_gb"] == mem


def test_duplicate_console_records_are_reported():
    s = parsers.summarize(S / "pyslowfast-2020-timediff-dup-appended.log", skip=2)
    assert any("duplicate" in w and w.startswith("2 ") for w in s["warnings"])
    assert [r["n_train_records"] for r in s["per_run"]] == [5, 3]


def test_real_mmengine_text_and_scalars_agree():
    """Captured from a real MMAction2 1.2 run (capture_mmengine_sample.py): interval 5, window 10, 24 it/epoch."""
    text = parsers.parse(S / "mmaction2-1x-mmengine-real.log", skip=0)
    js = parsers.parse(S / "mmaction2-1x-mmengine-real.scalars.json", skip=0)
    assert len(text.records) == len(js.records) == 15
    for a, b in zip(text.records, js.records):
        assert a.time_s == round(b.time_s, 4)
        assert (a.epoch - 1) * 24 + a.iter == b.iter      # scalars.json: iter is the global step
        assert b.epoch is None
    # positions: epoch e, iter i of 24 -> (e-1)*24+i; skip 50 keeps epoch 3 from iter 5 on (53, 58, ...)
    kept = [r for r in text.records if (r.epoch - 1) * 24 + r.iter > 50]
    s = parsers.summarize(S / "mmaction2-1x-mmengine-real.log")
    assert s["n_used"] == len(kept) == 5
    assert s["mean_s_per_iter"] == round(sum(r.time_s for r in kept) / 5, 6)
    assert [r.covers_iters for r in text.records[:3]] == [5, 10, 10]   # min(window 10, global iteration)


def test_records_of_mmcv_cover_the_interval():
    p = parsers.parse(S / "mmaction-v1-mmcv0-text.log")
    assert [(r.epoch, r.iter, r.iters_per_epoch, r.covers_iters) for r in p.records] == \
        [(1, 20, 60, 20), (1, 40, 60, 20), (1, 60, 60, 20), (2, 20, 60, 20)]
    assert [r.line for r in p.records] == [4, 5, 6, 7]
