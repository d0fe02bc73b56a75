"""The parsers' fast path: a chunk of regular train records read as columns by C code.

Why: CPython's regular expressions read the benchmark's dense logs at about 130 MB/s; a 200 MB
log took seconds where ``grep -c`` takes a tenth of one. Most chunks of a large log are nothing
but train records in one layout, continuing a run past its warm-up; for those the figures need
only columns (epoch, iteration, N, time, peak memory), which ``parsers/_colscan.c`` reads in one
pass over the bytes.

A ``Program`` is a format's record layout, written next to the format's regular expression and
meaning the same thing. The C side is conservative: a chunk in which any marker occurrence does
not follow the program exactly (a NaN, a glued line, an unknown field order, a validation record)
gives None and the format reads that chunk record by record with its regular expression, so the
fast path never changes a figure (``tests/parsers/test_fastpath.py`` checks both paths against
each other). Without a C compiler the extension is absent and every chunk takes the slow path:
same figures, slower. ``VIDBENCH_PARSERS_PURE=1`` turns the fast path off.

Build: ``make parsers-ext`` (part of ``make venv``) compiles ``parsers/_colscan*.so`` in place.
"""
from __future__ import annotations

import os
from array import array

try:
    from parsers import _colscan
except ImportError:          # not built (no compiler): the regular-expression path only
    _colscan = None

ENABLED = _colscan is not None and not os.environ.get("VIDBENCH_PARSERS_PURE")
CHUNKS_TAKEN = 0       # chunks the accumulators took whole from this path (tests, benchmarks)

# record program operations (parsers/_colscan.c)
_LIT, _SEEK, _SEEK_WS, _SEEK_LINE, _SPACES, _INT, _NUM, _SKIPTO, _OPT, _OPT_WS, _OPT_SEEK_LINE, \
    _NUM_OR_NULL, _BEFORE, _NOT_BEFORE = range(1, 15)
# roles of the values read
NONE, EPOCH, ITER, N, TIME, MEM = range(6)


def lit(text: bytes) -> tuple:
    """``text`` must come next."""
    return (_LIT, text, NONE, 0, b"")


def seek(text: bytes, after_space: bool = False) -> tuple:
    """Go past the next ``text`` of the record's segment (``after_space``: one preceded by a
    space or tab, as the regex ``[\\t ]time: ``)."""
    return (_SEEK_WS if after_space else _SEEK, text, NONE, 0, b"")


def before(text: bytes) -> tuple:
    """``text`` comes right before the marker (e.g. ``Epoch`` before ``(train)``)."""
    return (_BEFORE, text, NONE, 0, b"")


def not_before(text: bytes) -> tuple:
    """``text`` does not come right before the marker."""
    return (_NOT_BEFORE, text, NONE, 0, b"")


def key(text: bytes, optional: bool = False) -> tuple:
    """Go past ``text`` wherever it is in the line (a JSON key: looked for ahead first, then from
    the line's start; the keys of a ``json.dumps`` line are unique, so this is the key's only
    occurrence); ``optional``: the following value may be absent with its key."""
    return (_OPT_SEEK_LINE if optional else _SEEK_LINE, text, NONE, 0, b"")


def maybe(text: bytes, spaces: bool = False) -> tuple:
    """``text`` may come next (``spaces``: after one or more spaces); if not, the following
    operation is skipped."""
    return (_OPT_WS if spaces else _OPT, text, NONE, 0, b"")


def spaces() -> tuple:
    return (_SPACES, b"", NONE, 0, b"")


def integer(role: int, ends: bytes = b"", add: int = 0) -> tuple:
    """Decimal digits, read as ``role`` (+ ``add``); ``ends``: the bytes that may follow them
    (besides the end of the segment); empty: anything may."""
    return (_INT, b"", role, add, ends)


def number(role: int, ends: bytes, null: bool = False) -> tuple:
    """A strict decimal number followed by one of ``ends`` (or the segment's end); ``null``: the
    word null stands for an absent value (memory only)."""
    return (_NUM_OR_NULL if null else _NUM, b"", role, 0, ends)


def skip_to(ends: bytes) -> tuple:
    return (_SKIPTO, b"", NONE, 0, ends)


class Program:
    """One record layout: ``marker`` (the format's marker) starts every record; ``ops`` read it.

    cr_ends: text formats, a \\r ends a record's segment (progress bars); mem_scale: logged
    memory unit -> GiB (1/1024 for MiB); n_is_iter: iteration-based records, N = the position
    itself; every_line: JSON lines, the chunk qualifies only if each of its lines is a record.
    """
    __slots__ = ("marker", "ops", "cr_ends", "mem_scale", "n_is_iter", "every_line", "has_epoch")

    def __init__(self, marker: bytes, ops: tuple, cr_ends: bool = True, mem_scale: float = 1.0,
                 n_is_iter: bool = False, every_line: bool = False):
        self.marker, self.ops, self.cr_ends, self.mem_scale = marker, ops, cr_ends, mem_scale
        self.n_is_iter, self.every_line = n_is_iter, every_line
        self.has_epoch = any(op[0] == _INT and op[2] == EPOCH for op in ops)


class Columns:
    """What ``Accumulator.bulk`` needs of a chunk's train records (see ``_colscan.scan``)."""
    __slots__ = ("n",                       # records
                 "first_epoch", "first_iter",  # of the first record (epoch 0: iteration-based)
                 "last_epoch", "last_iter",
                 "printed_epoch",           # last_epoch, or None for records without an epoch
                 "last_n",                  # N of the last record; None when records print no N
                 "times",                   # bytes: every record's time as a double, in file order
                 "max_mem",                 # GiB, None when no record has memory
                 "ordered",                 # (epoch, iter) strictly increasing and iter <= N
                 "first_gap",               # first step != 1 between iterations of an epoch (0: none)
                 "first_epoch_last_iter",   # last iteration of the chunk's first epoch
                 "max_iter",
                 "lines_after_last")        # newlines from the last record's marker to the end

    def __init__(self, *values):
        for k, v in zip(self.__slots__, values):
            setattr(self, k, v)


def read(buf: bytes, *programs: Program, has_cr: bool = True) -> Columns | None:
    """The chunk's records as columns under the first program that reads all of them, or None
    (no fast path here: read the chunk with the regular expression). ``has_cr=False``: the
    chunk holds no carriage return (its segments need not be searched for one)."""
    if not ENABLED:
        return None
    lone_cr = None
    for prog in programs:
        if not prog.cr_ends and has_cr:
            # JSON lines: a lone CR ends a record (core.json_lines states the rule); the C side
            # reads lines up to '\n' only, so such a chunk is left to the line-by-line path
            if lone_cr is None:
                lone_cr = has_lone_cr(buf)
            if lone_cr:
                continue
        r = _colscan.scan(buf, prog.marker, prog.ops, prog.cr_ends and has_cr, prog.every_line, not prog.cr_ends)
        if r is None or not r[0]:
            continue
        n, e0, i0, el, il, nl, ts, mem, ordered, gap, fel, mx, after = r
        return Columns(n, e0, i0, el, il, el if prog.has_epoch else None, il if prog.n_is_iter else nl, ts,
                       None if mem is None else mem * prog.mem_scale, ordered, gap, fel, mx, after)
    return None


def has_lone_cr(buf: bytes) -> bool:
    """A carriage return in ``buf`` that is not the first half of a ``\\r\\n``."""
    k = buf.find(b"\r")
    return k >= 0 and buf.count(b"\r", k) != buf.count(b"\r\n", k)


def keep_freed_memory() -> None:
    """Command-line parsers only: let the C library keep freed chunk buffers for reuse (fewer
    page faults; see ``_colscan.keep_freed_memory``). Not done on import: a library should not
    change how its host process allocates."""
    if ENABLED:
        _colscan.keep_freed_memory()


def find(buf: bytes, needle: bytes, start: int = 0) -> int:
    """``buf.find(needle, start)``, in C where built (faster for the launch banners)."""
    return _colscan.find(buf, needle, start) if ENABLED else buf.find(needle, start)


def count_lines(buf: bytes) -> int:
    """Newlines in ``buf`` (C, 16 bytes at a time, where built: bytes.count is ~10x slower)."""
    return _colscan.count_lines(buf) if ENABLED else buf.count(b"\n")


def median(values: array) -> float | None:
    """Exact median of an array('d') in C, or None where the extension is absent."""
    return _colscan.median(values) if ENABLED and len(values) else None
