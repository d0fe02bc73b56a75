"""The machinery every framework parser shares, written once.

Why one place: the benchmark's figures depend on rules that must not drift between frameworks
(`../shared/reference/DEFINITIONS.md`): what a run is, which records fall in the warm-up, how
the mean, median and peak memory are formed, what counts as bad input. A framework module only
says how to find its train records in the bytes of its log (a `Format` with a `scan` function);
everything after that happens here:

- `Source` reads the file in large binary chunks that end on a line boundary, counts lines,
  notices `\\r`, and reports a cut (newline-less) last line. Nothing is decoded: bytes that are
  not UTF-8 are not an error.
- `Accumulator` receives the records one by one (`record()`, `banner()`), splits runs (at
  banners and wherever (epoch, iter) does not advance), places each record in its run, drops the
  warm-up *by position* and keeps the times that count in a compact `array('d')`: constant
  memory per record whatever the log size (8 bytes per kept record).
- `summary_dict()` forms the `--json` object; `human()` the default text; `main()` the CLI
  shared by `python -m parsers.<framework>` and `python -m parsers`.

Position of a record in its run (DEFINITIONS.md): its iteration while in the run's first epoch,
else `(epoch - first_epoch) * N + iteration`, N the iterations per epoch the record prints or,
where it prints none, the largest iteration seen in the run's first epoch. A record is warm-up
when its position is <= skip (default 50).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import compress, repeat
from operator import eq, rshift

from parsers import fastpath

CHUNK = 1 << 20
FIRST_CHUNK = 1 << 16
DEFAULT_SKIP = 50
INF = math.inf


class LogError(Exception):
    """Bad input: ``str(err)`` is one line that names the file, says why and what to do."""


class UsageError(Exception):
    """Bad command line (exit 2)."""


# Plain classes with __slots__ rather than dataclasses: importing ``dataclasses`` (and the
# ``inspect`` it pulls in) and building the classes costs ~25 ms at every start, a twentieth of
# parsing a 200 MB log on the fast path.

class Record:
    """One train record as the log states it (``--records`` columns, in this order)."""
    __slots__ = ("run",            # 1-based run (launch) in the file
                 "epoch",          # as printed (TSM 0-based); None for iteration-based logs
                 "iter",           # 1-based iteration in its epoch (global for iteration loops)
                 "iters_per_epoch",
                 "time_s",         # the record's time (see the format's time_meaning)
                 "data_time_s",
                 "mem_gb",         # GiB
                 "covers_iters",   # how many iterations the record's time is a mean over
                 "line")           # 1-based line in the file (record number for probe dirs)

    def __init__(self, run, epoch, iter, iters_per_epoch, time_s, data_time_s, mem_gb, covers_iters, line):
        self.run, self.epoch, self.iter, self.iters_per_epoch = run, epoch, iter, iters_per_epoch
        self.time_s, self.data_time_s, self.mem_gb = time_s, data_time_s, mem_gb
        self.covers_iters, self.line = covers_iters, line

    def __repr__(self) -> str:
        return "Record(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"

    def __eq__(self, other) -> bool:
        return isinstance(other, Record) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)


RECORD_COLUMNS = list(Record.__slots__)


class Format:
    """One log format of one framework: how to recognise it and how to read its records.

    name: e.g. "mmcv-text"; time_field: the log's key for the record time ("time", "dt");
    time_meaning: what one record's time stands for (shown in the summary); marker: bytes on
    every train record line (``grep -c marker``); sniff(head bytes) -> score (0: not this
    format); scan(Source, Collector); json_lines: a newline-less last line is kept when it is a
    whole JSON object; expects: the train record's shape in a few words, for the error that
    refuses a log (so a user can tell a foreign file from an unsupported version).
    """

    def __init__(self, name: str, time_field: str, time_meaning: str, marker: bytes,
                 sniff: Callable[[bytes], int], scan: Callable, json_lines: bool = False,
                 expects: str = ""):
        self.name, self.time_field, self.time_meaning, self.marker = name, time_field, time_meaning, marker
        self.sniff, self.scan, self.json_lines = sniff, scan, json_lines
        self.expects = expects or f"train records on lines containing {marker.decode('utf-8', 'replace')!r}"


class Framework:
    """A framework's formats. name: module name (mmaction2, mmaction, tsm, pyslowfast, bsn,
    bmn); title: as people write it; no_timing: for frameworks whose own output has no
    per-iteration time."""

    def __init__(self, name: str, title: str, formats: list, no_timing: str = ""):
        self.name, self.title, self.formats, self.no_timing = name, title, formats, no_timing


# ----------------------------------------------------------------------------- reading

class Source:
    """A log file read in binary chunks that each end with a newline.

    ``chunks()`` yields ``(buf, first_line, has_cr)``: ``first_line`` is the 1-based number of
    the line that starts ``buf``. After the loop, ``cut`` holds the bytes of a last line that
    has no newline (and ``cut_line`` its number), which the caller decides about.
    """

    def __init__(self, path: str, json_lines: bool = False):
        self.path = path
        self.json_lines = json_lines
        self.cut = b""
        self.cut_line = 0
        self.lines = 0
        self.chunk_lines = 0      # newlines in the chunk chunks() has just yielded

    def chunks(self) -> Iterator[tuple]:
        line = 1
        rest = b""
        with open(self.path, "rb") as fh:
            seekable = fh.seekable()
            # small first chunks, doubling up to CHUNK: the records before the first run is past
            # its warm-up take the regular expression, so the first reads should not hold
            # thousands of records after a header of unknown length
            size = min(CHUNK, FIRST_CHUNK)
            while True:
                data = fh.read(size)
                if not data:
                    break
                if rest:
                    data = rest + data
                k = data.rfind(b"\n") + 1
                if k == 0:
                    if len(data) < 16 * CHUNK:
                        rest = data
                        continue
                    # a huge line (progress bars joined by \r): its \r-segments are examined on
                    # their own, so pass it on in pieces rather than growing it without bound
                    k = data.rfind(b"\r") + 1 or len(data)
                if k < len(data) and seekable and len(data) == size:
                    # read the cut line again with the next chunk rather than copying it in front
                    # of it (one copy of every byte fewer)
                    fh.seek(k - len(data), 1)
                    rest = b""
                else:
                    rest = data[k:]
                size = min(CHUNK, 2 * size)
                buf = data[:k] if k < len(data) else data
                self.chunk_lines = fastpath.count_lines(buf)
                yield buf, line, b"\r" in buf
                line += self.chunk_lines
        self.lines = line - 1
        if rest:
            # a last line ending in a lone CR is ended (json_lines states the rule for a lone CR)
            if rest.endswith(b"\r") or self.json_lines and _whole_json(rest):
                self.chunk_lines = 1
                yield rest + b"\n", line, b"\r" in rest
                self.lines = line
            else:
                self.cut = rest
                self.cut_line = line


def _whole_json(b: bytes) -> bool:
    import json
    try:
        return isinstance(json.loads(b.strip(b"\r")), dict)
    except ValueError:
        return False


def scan_regex(src: "Source", col: "Collector", pattern, banner: bytes, convert, fast=(),
               on_bulk=None, flush=None, may_bulk=None) -> None:
    """The usual scanner: records are ``pattern`` matches, launches start at ``banner`` lines.

    ``convert(match, line)`` returns the row ``(line, epoch, it, n, t, dt, mem, covers)`` of a
    train record, None for a record of the format that is not one (counted as other), or ``()``
    for a match that is no record at all (a header without its time, taken whole so that the
    search stays linear on long lines).
    Matches are found by ``finditer`` over each chunk (the pattern should start with a literal,
    so the regex engine can skip ahead); rows go to the accumulator in batches.

    ``fast``: the format's record programs (``parsers.fastpath``, with the format's marker): a
    chunk without a banner in the middle of a run past its warm-up whose every marker occurrence
    follows one of them
    is taken whole by ``Accumulator.bulk`` (``on_bulk(columns)`` then lets the format update
    its own state), without a Python step per record.

    A format that keeps rows of its own (PySlowFast's console copies of its records, in a second
    sink of the collector: ``convert`` keeps them and returns ``()``) gives ``flush()``, called
    wherever the loop hands its rows to the accumulator (before a banner, at a chunk's end), and
    ``may_bulk()``, False while the fast path must not take a chunk (the rows it would take
    could be either form).
    """
    acc = col.sink()
    find = fastpath.find
    for buf, line, has_cr in src.chunks():
        count = buf.count
        banners = []
        b = find(buf, banner)
        while b >= 0:
            banners.append(b)
            b = find(buf, banner, b + 1)
        if fast and not banners and acc.cur is not None and not acc.keep_records and (
                may_bulk is None or may_bulk()):
            cols = fastpath.read(buf, *fast, has_cr=has_cr)
            if cols is not None and acc.bulk(cols, line + src.chunk_lines - cols.lines_after_last):
                if on_bulk is not None:
                    on_bulk(cols)
                continue
        banners.append(len(buf))
        bi = 0
        nb = banners[0]
        rows = []
        last = 0
        for m in pattern.finditer(buf):
            j = m.start()
            while nb < j:
                line += count(b"\n", last, nb)
                last = nb
                acc.feed(rows)
                rows = []
                if flush is not None:
                    flush()
                col.banner(line)
                bi += 1
                nb = banners[bi]
            line += count(b"\n", last, j)
            last = j
            row = convert(m, line)
            if row:
                rows.append(row)
            elif row is None:
                acc.n_other += 1
        acc.feed(rows)
        if flush is not None:
            flush()
        for nb in banners[bi:-1]:
            line += count(b"\n", last, nb)
            last = nb
            col.banner(line)


def fnum(b) -> float | None:
    """A logged number or None when absent (``NaN``/``inf`` tokens included)."""
    if b is None:
        return None
    try:
        return float(b)
    except ValueError:
        return math.nan


# ----------------------------------------------------------------------------- accumulating

class RunStats:
    """One run (launch) of a log: its counts, bounds and where its kept times are."""
    __slots__ = ("index", "banner_line", "first_line", "last_line", "first_epoch", "last_epoch",
                 "max_first", "n_train", "n_skipped", "n_nonfinite", "start", "stop", "max_mem",
                 "last_pos", "trace_start", "trace_stop")

    def __init__(self, index: int, banner_line: int | None, first_line: int = 0,
                 first_epoch: int | None = None, start: int = 0):
        self.index = index                # internal run id (0: before any banner)
        self.banner_line = banner_line
        self.first_line = first_line
        self.last_line = 0
        self.first_epoch = first_epoch
        self.last_epoch = None
        self.max_first = 0                # largest iteration seen in the first epoch
        self.n_train = self.n_skipped = self.n_nonfinite = 0
        self.start = start                # slice of Accumulator.times holding this run's kept times
        self.stop = 0
        self.max_mem = -INF
        self.last_pos = 0                 # position of the run's latest record
        self.trace_start = self.trace_stop = 0   # slice of Accumulator.trace_pos/trace_time


class Accumulator:
    """Receives one format's train records in file order; keeps only what the figures need."""

    def __init__(self, skip: int = DEFAULT_SKIP, keep_records: bool = False, trace: bool = False):
        self.skip = skip
        self.times = array("d")
        self.runs: list = []
        self.cur: RunStats | None = None
        self.banner_pending: int | None = None
        self.n_banners = 0
        self.n_other = 0          # records of the format that are not train records (val, epoch)
        self.le = -1              # last (epoch, iter) of the current run
        self.li = -1
        self.keep_records = keep_records
        self.records: list = []
        self._runs_created = 0
        # trace: every train record's position in its run and time, warm-up included (the plots),
        # two doubles per record rather than a Record object
        self.trace = trace
        self.trace_pos = array("d")
        self.trace_time = array("d")

    def banner(self, line: int) -> None:
        """A launch banner: the next train record starts a new run."""
        self.n_banners += 1
        if self.cur is not None:     # the run ends here: its slice of the kept times too
            self.cur.stop = len(self.times)
            self.cur.trace_stop = len(self.trace_pos)
        self.cur = None
        self.banner_pending = line

    def _new_run(self, line: int, epoch: int) -> RunStats:
        if self.cur is not None:
            self.cur.stop = len(self.times)
            self.cur.trace_stop = len(self.trace_pos)
        run = RunStats(index=len(self.runs), banner_line=self.banner_pending, first_line=line,
                       first_epoch=epoch, start=len(self.times))
        run.trace_start = len(self.trace_pos)
        self.banner_pending = None
        self.runs.append(run)
        self.cur = run
        return run

    def record(self, line: int, epoch, it: int, n, t: float, dt, mem, covers: int = 1) -> None:
        """One train record. ``epoch`` None: an iteration-based log (one long epoch)."""
        self.feed([(line, epoch, it, n, t, dt, mem, covers)])

    def feed(self, rows: list) -> None:
        """Train records in file order: ``rows`` of ``(line, epoch, it, n, t, dt, mem, covers)``.

        The rules of a record's run and position, in one tight loop (the hot path of the
        regular-expression scanners).
        """
        keep = self.records.append if self.keep_records else None
        trace_pos = self.trace_pos.append if self.trace else None
        trace_time = self.trace_time.append
        skip = self.skip
        append = self.times.append
        run = self.cur
        le, li = self.le, self.li
        pline = pepoch = None
        for line, epoch, it, n, t, dt, mem, covers in rows:
            e = 0 if epoch is None else epoch
            if run is None or e < le or (e == le and it <= li):
                if run is not None and pline is not None:
                    run.last_line, run.last_epoch = pline, pepoch
                run = self._new_run(line, e)
            pline, pepoch = line, epoch
            le = e
            li = it
            if e == run.first_epoch:
                pos = it
                if it > run.max_first:
                    run.max_first = it
            else:
                pos = (e - run.first_epoch) * (n or run.max_first) + it
            run.n_train += 1
            if mem is not None and mem > run.max_mem:
                run.max_mem = mem
            if pos <= skip:
                run.n_skipped += 1
            elif t - t != 0.0:
                run.n_nonfinite += 1
            else:
                append(t)
            if trace_pos is not None:
                trace_pos(pos)
                trace_time(t)
            if keep is not None:
                keep(Record(run.index, epoch, it, n, t, dt, mem, covers, line))
        if rows:
            run.last_line = rows[-1][0]
            run.last_epoch = rows[-1][1]
            run.last_pos = pos
        self.le, self.li = le, li

    def bulk(self, c: "fastpath.Columns", last_line: int) -> bool:
        """A whole chunk of records at once, when nothing in it can change a figure's rules.

        Taken only when the current run is past its warm-up and the chunk continues it in
        strictly increasing (epoch, iter) order with ``iter <= N`` (every time is finite: the
        fast path reads no NaN/inf): then every record is kept and the per-record rules reduce
        to a count, a maximum and appending the times. Otherwise returns False and the caller
        feeds the records one by one.
        """
        run = self.cur
        if run is None or self.keep_records or not c.n or not c.ordered or run.last_pos <= self.skip:
            return False
        e0, i0 = c.first_epoch, c.first_iter
        if e0 < self.le or (e0 == self.le and i0 <= self.li):
            return False
        fe = run.first_epoch
        n_last = c.last_n
        if n_last is None:        # formats without N: the first epoch's largest iteration
            if e0 == fe or not run.max_first or c.max_iter > run.max_first:
                return False
            n_last = run.max_first
        if self.trace:
            # positions are known without a per-record step only when they are consecutive
            # (strictly increasing integers, as many as the span holds): else record by record
            p0 = i0 if e0 == fe else (e0 - fe) * n_last + i0
            pl = c.last_iter if c.last_epoch == fe else (c.last_epoch - fe) * n_last + c.last_iter
            if pl - p0 + 1 != c.n:
                return False
            self.trace_pos.extend(range(p0, pl + 1))
            self.trace_time.frombytes(c.times)
        if e0 == fe and c.first_epoch_last_iter > run.max_first:
            run.max_first = c.first_epoch_last_iter
        self.times.frombytes(c.times)
        fastpath.CHUNKS_TAKEN += 1
        run.n_train += c.n
        if c.max_mem is not None and c.max_mem > run.max_mem:
            run.max_mem = c.max_mem
        el, il = c.last_epoch, c.last_iter
        run.last_line = last_line
        run.last_epoch = c.printed_epoch
        self.le, self.li = el, il
        run.last_pos = il if el == fe else (el - fe) * n_last + il
        return True

    def finish(self) -> list:
        """The runs that hold train records, numbered 1.. in file order."""
        if self.cur is not None:
            self.cur.stop = len(self.times)
            self.cur.trace_stop = len(self.trace_pos)
        runs = [r for r in self.runs if r.n_train]
        number = {r.index: k for k, r in enumerate(runs, 1)}
        for rec in self.records:
            rec.run = number[rec.run]
        return runs


class Collector:
    """Hands a scanner its accumulator; keeps variants apart (e.g. PySlowFast's console copies).

    A scanner calls ``sink()`` for the records that count and ``sink(name)`` for an alternative
    form of the same records; the first variant (in ``preference``) that holds train records
    wins and the others are reported as ignored duplicates.
    """

    def __init__(self, skip: int, keep_records: bool, trace: bool = False):
        self.skip = skip
        self.keep_records = keep_records
        self.trace = trace
        self.sinks: dict = {}
        self.warnings: list = []
        self.preference: list = [""]
        self.window: int | None = None   # formats may report an averaging window
        self.refused: dict = {}          # True/False (train-looking or not) -> first (line, text, why)
        self.extra: dict = {}            # format-specific summary fields (the probe's max_rss_gb)

    def refuse(self, line: int, text: bytes, why: str, train_like: bool) -> None:
        """A record of the format that did not count as a train record: the first one of each
        kind (train-looking or not) is kept for the error that refuses a log with none."""
        self.refused.setdefault(train_like, (line, text, why))

    def sink(self, variant: str = "") -> Accumulator:
        acc = self.sinks.get(variant)
        if acc is None:
            acc = self.sinks[variant] = Accumulator(self.skip, self.keep_records, self.trace)
            if variant not in self.preference:
                self.preference.append(variant)
        return acc

    def banner(self, line: int) -> None:
        if not self.sinks:
            self.sink()
        for acc in self.sinks.values():
            acc.banner(line)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def chosen(self) -> Accumulator:
        accs = [self.sinks[v] for v in self.preference if v in self.sinks]
        if not accs:
            return self.sink()
        best = next((a for a in accs if any(r.n_train for r in a.runs)), accs[0])
        for a in accs:
            if a is not best:
                n = sum(r.n_train for r in a.runs)
                if n:
                    self.warn(f"{n} duplicate records in a second logger form ignored (the console copies)")
        return best


# ----------------------------------------------------------------------------- results

class ParsedLog:
    """What ``parse()`` returns: the figures' inputs, records included when asked."""

    def __init__(self, file: str, framework: str, format: str, time_field: str, time_meaning: str,
                 skip: int, runs: list, times: array, n_banners: int, n_other: int, warnings: list,
                 records: list | None = None, lines: int = 0, series: list | None = None,
                 expects: str = "", marker: bytes = b"", refused: dict | None = None,
                 extra: dict | None = None):
        self.file, self.framework, self.format = file, framework, format
        self.time_field, self.time_meaning, self.skip = time_field, time_meaning, skip
        self.runs, self.times, self.n_banners, self.n_other = runs, times, n_banners, n_other
        self.warnings = warnings
        self.records = [] if records is None else records
        self.lines = lines
        # per run, (positions, times) of every train record, warm-up included (``trace=True``)
        self.series = [] if series is None else series
        self.expects, self.marker = expects, marker
        self.refused = {} if refused is None else refused
        self.extra = {} if extra is None else extra

    incomplete = ()    # warnings of runs that were cut short (probe files without a footer)

    @property
    def n_train_records(self) -> int:
        return sum(r.n_train for r in self.runs)

    @property
    def n_used(self) -> int:
        return len(self.times)

    def summary(self) -> dict:
        return summary_dict(self)


def _mean(values) -> float | None:
    if not len(values):
        return None
    return round(math.fsum(values) / len(values), 6)


def _median(values) -> float | None:
    """Exact median in little memory (in C by selection where the fast path is built).

    Up to 250k values: sort them. Beyond: a radix selection on the IEEE bit patterns (for
    non-negative doubles they sort like the numbers): count values by their top 20 bits, then sort
    only the bucket(s) holding the middle ranks. No Python object per value is kept.
    """
    n = len(values)
    if not n:
        return None
    fast = fastpath.median(values)
    if fast is not None:
        return round(fast, 6)
    lo_k, hi_k = (n - 1) // 2, n // 2
    if n <= 250_000 or min(values) < 0:
        srt = sorted(values)
        return round((srt[lo_k] + srt[hi_k]) / 2, 6)
    bits = memoryview(values).cast("B").cast("Q")
    counts = sorted(Counter(map(rshift, bits, repeat(44))).items())
    seen, wanted = 0, {}
    for bucket, c in counts:
        for k in (lo_k, hi_k):
            if seen <= k < seen + c:
                wanted[k] = (bucket, seen)
        seen += c
    picked = {}
    for k, (bucket, before) in wanted.items():
        if bucket not in picked:
            picked[bucket] = sorted(compress(values, map(eq, map(rshift, bits, repeat(44)), repeat(bucket))))
        wanted[k] = picked[bucket][k - before]
    return round((wanted[lo_k] + wanted[hi_k]) / 2, 6)


def _mem(m: float) -> float | None:
    return None if m == -INF else round(m, 4)


def summary_dict(p: ParsedLog) -> dict:
    """The ``--json`` object (docs/DESIGN.md section 1)."""
    per_run = []
    mean, median = _mean(p.times), _median(p.times)
    for k, r in enumerate(p.runs, 1):
        kept = p.times[r.start:r.stop] if len(p.runs) > 1 else p.times
        per_run.append({
            "run": k, "first_line": r.first_line, "last_line": r.last_line,
            "banner_line": r.banner_line, "first_epoch": r.first_epoch, "last_epoch": r.last_epoch,
            "n_train_records": r.n_train, "n_skipped_warmup": r.n_skipped, "n_used": len(kept),
            "n_nonfinite": r.n_nonfinite,
            "mean_s_per_iter": _mean(kept) if len(p.runs) > 1 else mean,
            "median_s_per_iter": _median(kept) if len(p.runs) > 1 else median, "max_gpu_mem_gb": _mem(r.max_mem),
        })
    return {
        "file": p.file,
        "framework": p.framework,
        "format": p.format,
        "n_runs": len(p.runs),
        "n_banners": p.n_banners,
        "n_train_records": p.n_train_records,
        "n_skipped_warmup": sum(r.n_skipped for r in p.runs),
        "n_used": p.n_used,
        "n_nonfinite": sum(r.n_nonfinite for r in p.runs),
        "n_other_records": p.n_other,
        "skip": p.skip,
        "mean_s_per_iter": mean,
        "median_s_per_iter": median,
        "max_gpu_mem_gb": _mem(max((r.max_mem for r in p.runs), default=-INF)),
        "time_field": p.time_field,
        "time_meaning": p.time_meaning,
        "per_run": per_run,
        "warnings": list(p.warnings),
        **p.extra,
    }


# ----------------------------------------------------------------------------- checks on input

_MAGIC = [(b"\x1f\x8b", "gzip-compressed", "gunzip -k"), (b"BZh", "bzip2-compressed", "bunzip2 -k"),
          (b"\xfd7zXZ\x00", "xz-compressed", "unxz -k"), (b"\x28\xb5\x2f\xfd", "zstd-compressed", "unzstd"),
          (b"PK\x03\x04", "a zip archive", "unzip")]
_TEXT = bytes(range(32, 256)) + b"\t\n\r\f\b\x1b\x0b"


def check_regular(path: str) -> None:
    """LogError unless ``path`` is a regular file (after symlinks): opening a FIFO blocks until
    a writer comes, and a device or socket is no log, so neither is ever opened."""
    import stat
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        raise LogError(f"{path}: cannot be read ({err.strerror}); check the path") from None
    if not stat.S_ISREG(mode):
        what = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a character device" if stat.S_ISCHR(mode) else "a block device" if stat.S_ISBLK(mode)
                else "not a regular file")
        raise LogError(f"{path}: {what}, not a log file; copy the log to a file and give that")


def _utf16(head: bytes) -> str:
    """The name of the UTF-16/32 encoding ``head`` is in ("UTF-16LE (with BOM)"), or "".

    A byte-order mark says it; without one, UTF-16 text of ASCII characters has a NUL in every
    other byte (most of them, on the same side)."""
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32LE"), (b"\x00\x00\xfe\xff", "UTF-32BE"),
                      (b"\xff\xfe", "UTF-16LE"), (b"\xfe\xff", "UTF-16BE")):
        if head.startswith(bom):
            return name + " (with byte-order mark)"
    sample = head[:min(4096, len(head)) & ~1]
    half = len(sample) // 2
    if half >= 8:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 0.9 * half and even < 0.1 * half:
            return "UTF-16LE"
        if even > 0.9 * half and odd < 0.1 * half:
            return "UTF-16BE"
    return ""


def read_head(path: str, size: int = 1 << 16) -> bytes:
    """The first bytes of a file, after the checks every input goes through (LogError)."""
    if not os.path.exists(path):
        raise LogError(f"{path}: no such file; check the path")
    if os.path.isdir(path):
        raise LogError(f"{path}: is a directory; give a log file inside it")
    check_regular(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(size)
    except OSError as err:
        raise LogError(f"{path}: cannot be read ({err.strerror}); check its permissions") from None
    if not head:
        raise LogError(f"{path}: empty file; no train records (did the training start?)")
    for magic, what, tool in _MAGIC:
        if head.startswith(magic):
            raise LogError(f"{path}: {what}, not a text log; decompress it first ({tool} {path})")
    utf16 = _utf16(head)
    if utf16:
        raise LogError(f"{path}: {utf16} text, not UTF-8 (the frameworks write UTF-8 logs); convert it "
                       f"first: iconv -f {utf16.split()[0]} -t UTF-8 {path} > {path}.utf8")
    sample = head[:1 << 16]             # enough to tell text from binary (head may be 2 MiB)
    binary = len(sample.translate(None, _TEXT))
    if b"\x00" in sample and binary * 20 > len(sample) or binary * 3 > len(sample):
        raise LogError(f"{path}: binary data, not a text log ({binary} of the first {len(sample)} bytes "
                       "are not text); give the framework's training log")
    return head


def run_format(path: str, framework: Framework, fmt: Format, skip: int = DEFAULT_SKIP,
               keep_records: bool = False, files: list | None = None, trace: bool = False) -> ParsedLog:
    """Scan ``path`` as ``fmt`` and return the runs and kept times (no judgement on emptiness).

    ``files``: several files read in order, each starting a run (probe directories).
    ``trace``: also every record's position and time per run (``ParsedLog.series``), through
    the fast path where a chunk's positions are consecutive.
    """
    col = Collector(skip, keep_records, trace)
    lines = 0
    for f in files or [path]:
        src = Source(f, fmt.json_lines)
        name = "" if files is None else f"{os.path.basename(f)}: "
        if files is not None:
            col.banner(1)
        try:
            fmt.scan(src, col)
        except OSError as err:
            raise LogError(f"{f}: cannot be read ({err.strerror})") from None
        lines += src.lines
        if src.cut:
            what = ": its record is not counted" if fmt.marker in src.cut else ""
            col.warn(f"{name}line {src.cut_line} is cut (the file ends without a newline){what}")
    acc = col.chosen()
    runs = acc.finish()
    ws = list(col.warnings)
    nonfinite = sum(r.n_nonfinite for r in runs)
    if nonfinite:
        ws.append(f"{nonfinite} records after the warm-up have a non-finite time (NaN/inf): excluded")
    if len(runs) > 1:
        ws.append(f"{len(runs)} runs in one file (launches appended or restarts); each skips its own warm-up")
    meaning = fmt.time_meaning + (f" (window_size={col.window} in this log)" if col.window else "")
    series = [(acc.trace_pos[r.trace_start:r.trace_stop], acc.trace_time[r.trace_start:r.trace_stop])
              for r in runs] if trace else None
    return ParsedLog(file=path, framework=framework.name, format=fmt.name, time_field=fmt.time_field,
                     time_meaning=meaning, skip=skip, runs=runs, times=acc.times,
                     n_banners=acc.n_banners, n_other=acc.n_other, warnings=ws,
                     records=acc.records, lines=lines, series=series, expects=fmt.expects,
                     marker=fmt.marker, refused=col.refused, extra=col.extra)


def require_figures(p: ParsedLog) -> None:
    """Raise the one-line LogError for logs that support no figure."""
    n = p.n_train_records
    cut = "".join(f"; {w}" for w in p.incomplete)
    if n == 0:
        other = f" ({p.n_other} validation/epoch records)" if p.n_other else ""
        raise LogError(f"{p.file}: no train iteration records in this {p.framework} {p.format} log{other}; "
                       f"expected {p.expects}; found {_what_was_found(p)}; "
                       f"nothing to average (was the training logged per iteration? is it the right file?){cut}")
    if p.n_used == 0:
        skipped = sum(r.n_skipped for r in p.runs)
        if skipped == n:
            raise LogError(f"{p.file}: {n} train records, all within the first {p.skip} iterations of their "
                           f"run; nothing left to average (`--skip 0` keeps them){cut}")
        raise LogError(f"{p.file}: {n} train records but none after the warm-up has a finite time "
                       f"(NaN/inf); the log supports no figure{cut}")


def _what_was_found(p: ParsedLog, limit: int = 160) -> str:
    """The first train-looking line of a refused log and why it did not count (the error path
    only: a format's scanner reports it, else the first line holding the format's marker)."""
    got = p.refused.get(True) or p.refused.get(False)
    if got is None and p.marker and os.path.isfile(p.file):
        with open(p.file, "rb") as fh:
            head = fh.read(1 << 21)
        k = head.find(p.marker)
        if k < 0:
            return f"no line containing {p.marker.decode('utf-8', 'replace')!r} in its first {len(head) >> 20 or 1} MiB"
        start = head.rfind(b"\n", 0, k) + 1
        end = head.find(b"\n", k)
        text = head[start:end if end >= 0 else len(head)]
        keys = [f.encode() for f in p.time_field.split("|") if f]
        why = (f"it has no {p.time_field} field" if keys and not any(f in text for f in keys) else
               "it is not a train record of this format (another record type, or a field missing)")
        got = (head.count(b"\n", 0, start) + 1, text, why)
    if got is None:
        return "no record of this format"
    line, text, why = got
    text = text.strip(b"\r\n").decode("utf-8", "replace")
    if len(text) > limit:
        text = text[:limit] + "..."
    return f"line {line} {text!r}, not counted because {why}"


# ----------------------------------------------------------------------------- presenting

def human(s: dict) -> str:
    def num(v, d=6):
        return "-" if v is None else f"{v:.{d}f}"
    out = [f"{s['file']}: {s['framework']} ({s['format']}), {s['n_runs']} run(s)",
           f"  train records: {s['n_train_records']}, skipped as warm-up (position <= {s['skip']} in its run): "
           f"{s['n_skipped_warmup']}, used: {s['n_used']}"
           + (f", non-finite: {s['n_nonfinite']}" if s["n_nonfinite"] else ""),
           f"  s/iter: mean {num(s['mean_s_per_iter'])}, median {num(s['median_s_per_iter'])}",
           "  peak GPU memory: " + ("not logged" if s["max_gpu_mem_gb"] is None else f"{s['max_gpu_mem_gb']:.4f} GB"),
           f"  record time (`{s['time_field']}`): {s['time_meaning']}"]
    if s["n_runs"] > 1:
        for r in s["per_run"]:
            out.append(f"  run {r['run']} (lines {r['first_line']}-{r['last_line']}): {r['n_train_records']} records, "
                       f"{r['n_used']} used, mean {num(r['mean_s_per_iter'])}")
    for w in s["warnings"]:
        out.append(f"  warning: {w}")
    return "\n".join(out)


def write_records(p: ParsedLog, out) -> None:
    import csv
    w = csv.writer(out, lineterminator="\n")
    w.writerow(RECORD_COLUMNS)
    for r in p.records:
        w.writerow(["" if v is None else v for v in (r.run, r.epoch, r.iter, r.iters_per_epoch, r.time_s,
                                                      r.data_time_s, r.mem_gb, r.covers_iters, r.line)])


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message} (see --help)")


def main(prog: str, description: str, analyse: Callable, argv=None) -> int:
    """The CLI of every parser module. ``analyse(path, skip, keep_records) -> ParsedLog``."""
    ap = _Parser(prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter,
                 epilog="Exit status: 0 figures printed; 1 bad input (one line on stderr says why); 2 usage.")
    ap.add_argument("logs", nargs="+", metavar="LOG", help="training log file(s)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="one JSON object per file (JSON Lines)")
    mode.add_argument("--records", action="store_true",
                      help="every train record as CSV: " + ",".join(RECORD_COLUMNS))
    ap.add_argument("--skip", type=int, default=DEFAULT_SKIP, metavar="N",
                    help="warm-up: drop records at positions <= N in each run (default %(default)s)")
    try:
        args = ap.parse_args(argv)
        if args.skip < 0:
            raise UsageError(f"{prog}: --skip must be >= 0")
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    import json
    fastpath.keep_freed_memory()
    rc = 0
    for path in args.logs:
        try:
            p = analyse(path, args.skip, args.records)
            if args.records:
                if not p.records:
                    require_figures(p)
                write_records(p, sys.stdout)
                for w in p.warnings:
                    print(f"{path}: warning: {w}", file=sys.stderr)
                continue
            require_figures(p)
            s = summary_dict(p)
            print(json.dumps(s) if args.json else human(s), flush=True)
        except LogError as err:
            print(f"error: {err}", file=sys.stderr)
            rc = 1
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
    return rc


# --- pieces several formats share ------------------------------------------------------

def bulk_lines(buf: bytes, line: int, acc: Accumulator, programs: tuple, has_cr: bool = True) -> bool:
    """JSON-lines formats: take a chunk whole when each of its lines is a train record that one
    of ``programs`` (``every_line`` programs: the C side checks that) reads, continuing a run
    past its warm-up (``Accumulator.bulk``). False: read it line by line."""
    assert all(p.every_line for p in programs), "bulk_lines needs every_line programs"
    cols = fastpath.read(buf, *programs, has_cr=has_cr)
    return cols is not None and acc.bulk(cols, line + cols.n - cols.lines_after_last)


def json_lines(buf: bytes, has_cr: bool = True):
    """``(k, text)`` for each line of a JSON-lines chunk, ``k`` its 0-based newline index in
    ``buf`` (its line number is the chunk's first line + k).

    The rule for a lone carriage return, the same on every path (``fastpath.read`` leaves such
    chunks to this one): it ends a record like a newline does, as Python's universal newlines
    read it (mmcv's and PySlowFast's own log readers open logs in text mode); a ``\\r\\n`` is one
    line end. Line numbers count newlines only (as ``grep -n`` and editors do), so records
    separated by a lone CR share their line's number. ``json.dumps`` never writes a raw CR, so
    one only comes from a writer that ended lines with it.
    """
    lines = buf.split(b"\n")
    if not has_cr:
        return enumerate(lines)
    return ((k, part) for k, l in enumerate(lines) for part in (l.split(b"\r") if b"\r" in l else (l,)))


def json_field(l: bytes, key: bytes):
    """The raw bytes of ``key``'s value in one flat JSON line (up to the next ``,`` or ``}``):
    cheaper than json.loads for the few numeric fields a record needs."""
    k = l.find(key)
    if k < 0:
        return None
    v = k + len(key)
    c = l.find(b",", v)
    if c < 0:
        c = l.find(b"}", v)
    return l[v:c]
