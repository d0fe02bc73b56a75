"""Both parser paths give identical figures on mutated real logs (issue 15, property-based).

The real samples of every format (``tests/demo_logs``: the demo's own trainings;
``tests/parsers/samples``: logs of the pinned frameworks) are mutated the ways a hostile or
broken writer would (line ends turned into a lone CR or CRLF, lines duplicated, dropped or
swapped, the records repeated, digits changed, bytes replaced, the file cut) and parsed with the
C fast path on and off, in chunks small enough that the fast path takes some of them: the
summaries (or the one-line errors) must be the same. The attack that found the bug: 47 of
3,000 mutants disagreed, all JSON-lines logs with a lone CR for some line ends.

Also the rule for a lone CR itself: it ends a record like a newline, so turning newlines of a
JSON-lines log into lone CRs changes no figure.
"""
import os
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import parsers
from parsers import core, fastpath

HERE = pathlib.Path(__file__).resolve().parent
SAMPLES = sorted(p for p in (HERE / "samples").rglob("*") if p.is_file()) + \
    sorted(p for p in (HERE.parent / "demo_logs").rglob("*") if p.is_file() and p.name != "SOURCE.json")

pytestmark = pytest.mark.skipif(fastpath._colscan is None,
                                reason="the C fast path is not built (make parsers-ext): nothing to compare")


def both_paths(path, skip, monkeypatch):
    out = []
    for enabled in (True, False):
        monkeypatch.setattr(fastpath, "ENABLED", enabled)
        try:
            out.append(parsers.summarize(str(path), skip=skip))
        except core.LogError as err:
            out.append(f"error: {err}")
    return out


def _lines(data):
    return data.split(b"\n")


def lone_cr(data, rnd):
    every = rnd.choice([1, 2, 3, 5])
    parts = _lines(data)
    return b"".join(p + (b"\r" if k % every == 0 and k < len(parts) - 1 else b"\n")
                    for k, p in enumerate(parts))[:-1]


def crlf(data, rnd):
    return data.replace(b"\n", b"\r\n")


def duplicate_line(data, rnd):
    lines = _lines(data)
    k = rnd.randrange(len(lines))
    return b"\n".join(lines[:k + 1] + lines[k:])


def drop_line(data, rnd):
    lines = _lines(data)
    k = rnd.randrange(len(lines))
    return b"\n".join(lines[:k] + lines[k + 1:])


def swap_lines(data, rnd):
    lines = _lines(data)
    a, b = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def repeat_records(data, rnd):
    lines = _lines(data)
    return b"\n".join(lines + lines[rnd.randrange(len(lines)):] * rnd.randint(1, 3))


def change_digit(data, rnd):
    digits = [k for k, c in enumerate(data) if 48 <= c <= 57]
    if not digits:
        return data
    k = rnd.choice(digits)
    return data[:k] + bytes([rnd.randint(48, 57)]) + data[k + 1:]


def replace_byte(data, rnd):
    if not data:
        return data
    k = rnd.randrange(len(data))
    return data[:k] + rnd.choice([b"\r", b"\n", b",", b"}", b"{", b'"', b" ", b"\t", b"x", b"", b"NaN", b"\xff"]) \
        + data[k + 1:]


def cut(data, rnd):
    return data[:rnd.randrange(len(data) + 1)]


MUTATIONS = [lone_cr, crlf, duplicate_line, drop_line, swap_lines, repeat_records, change_digit, replace_byte, cut]


@settings(max_examples=600, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sample=st.sampled_from(SAMPLES), mutations=st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3),
       seed=st.integers(0, 2 ** 32), chunk=st.sampled_from([128, 512, 4096]), skip=st.sampled_from([0, 2, 5, 50]))
def test_mutated_real_logs_give_the_same_figures_on_both_paths(tmp_path, monkeypatch, sample, mutations, seed,
                                                                chunk, skip):
    import random
    rnd = random.Random(seed)
    data = sample.read_bytes()
    for mutate in mutations:
        data = mutate(data, rnd)
    path = tmp_path / sample.name
    path.write_bytes(data)
    monkeypatch.setattr(core, "CHUNK", chunk)
    fast, pure = both_paths(path, skip, monkeypatch)
    assert fast == pure, [m.__name__ for m in mutations]


@pytest.mark.parametrize("every", [1, 3])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_lone_cr_ends_a_record_like_a_newline(tmp_path, monkeypatch, sample, every):
    """Every (or every third: the attack's PySlowFast case) newline turned into a lone CR: the
    same records and figures as the original log, on both paths, as Python's universal newlines
    would read it."""
    data = sample.read_bytes()
    mutated = tmp_path / sample.name
    parts = data.split(b"\n")
    mutated.write_bytes(b"".join(p + (b"\r" if k % every == 0 else b"\n") for k, p in enumerate(parts[:-1]))
                        + parts[-1])
    monkeypatch.setattr(core, "CHUNK", 256)
    original = (tmp_path / "original")
    original.mkdir()
    (original / sample.name).write_bytes(data)
    fast, pure = both_paths(mutated, 0, monkeypatch)
    assert fast == pure
    (want, _) = both_paths(original / sample.name, 0, monkeypatch)
    if isinstance(want, str):                # no figure (a worker's probe file, BSN/BMN output)
        assert isinstance(fast, str) and fast.replace(str(mutated), "") == want.replace(str(original / sample.name), "")
        return
    for key in ("n_train_records", "n_used", "mean_s_per_iter", "median_s_per_iter", "max_gpu_mem_gb", "n_runs"):
        assert fast[key] == want[key], key


REFERENCE = pathlib.Path(os.environ.get("VIDBENCH_SHARED", HERE.parents[1].parent / "shared")) / "reference" / "logs"
REAL_LOGS = sorted(p for p in REFERENCE.glob("*/*") if p.is_file() and p.name != "expected.json") \
    if REFERENCE.is_dir() else []


@pytest.mark.shared
@pytest.mark.skipif(not REAL_LOGS, reason="../shared/reference/logs is absent: no real logs to mutate")
def test_real_reference_logs_with_every_third_newline_a_lone_cr_keep_their_figures(tmp_path, monkeypatch):
    """The attack's case on the real logs of ../shared (1.3 MB mmcv JSON, PySlowFast, TSM, ...),
    in the default 1 MiB chunks: both paths, and the figures of the unmutated log."""
    for real in REAL_LOGS:
        parts = real.read_bytes().split(b"\n")
        mutated = tmp_path / real.name
        mutated.write_bytes(b"".join(p + (b"\r" if k % 3 == 0 else b"\n") for k, p in enumerate(parts[:-1]))
                            + parts[-1])
        fast, pure = both_paths(mutated, 50, monkeypatch)
        want, _ = both_paths(real, 50, monkeypatch)
        assert fast == pure, real.name
        if isinstance(want, str):
            assert isinstance(fast, str), real.name
            continue
        assert [fast[k] for k in ("n_train_records", "n_used", "mean_s_per_iter", "median_s_per_iter")] == \
            [want[k] for k in ("n_train_records", "n_used", "mean_s_per_iter", "median_s_per_iter")], real.name
