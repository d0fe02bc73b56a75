"""Records of vidbench's timing probe: ``python -m parsers.probe DIR_OR_FILE``.

Why: BSN and BMN print no per-iteration time, and the frameworks that do print different
things (a window mean, one iteration). The probe (``python -m orchestrator probe --out DIR --
COMMAND``, docs/DESIGN.md section 4) marks every training step from inside the process and
writes ``DIR/probe-<host>-<pid>.jsonl``; this module turns those files into the same figures.

- A record is a ``{"kind": "iter", ...}`` line: ``i`` (1-based step count of the process) is its
  position, ``dt`` (seconds since the previous mark) its time, ``mem_gb`` the GPU peak (GiB,
  null on the CPU). The first mark of a process has ``dt`` null: iteration 1 has no time and is
  not a record (it is inside the warm-up anyway).
- Several processes (one file each, e.g. one per GPU rank): **each process is a run**. Its first
  ``skip`` iterations are warm-up; the figure pools the kept ``dt`` of all processes (with ranks
  in lock-step this is the mean step time; per-run figures show each process). Files without any
  iter record (data-loader workers, helper interpreters) are not runs.
- A directory is read as every ``probe-*.jsonl`` in it, in name order; a single ``.jsonl`` file
  works too. ``error`` lines are reported as warnings.
- A file with iteration records but no footer is an incomplete run (the process was killed by
  SIGKILL, left through ``os._exit`` or is still running): a warning names it with its count of
  marks, also in the error when no figure is left. Its records are whole lines (the probe writes
  each step at once), so they still count.
- One malformed iter line (a non-numeric or out-of-range ``i``, no ``i``, a string ``dt``,
  invalid JSON) is a warning naming the line (the first 10 per file, then a count); it is not
  counted and never stops the reading of the others.
"""
from __future__ import annotations

import glob
import json
import math
import os
import sys

from parsers import core
from parsers import fastpath as fp

MARK = b'"kind": "iter"'
_RSS = b'"rss_gb": '


def _last_rss(buf: bytes):
    """``rss_gb`` of the chunk's last iter record, or None. It is the process's peak RSS (CPU
    memory, GiB; ``ru_maxrss``), which only grows within a process, so the last one of each file
    is its peak: the summary's ``max_rss_gb`` costs a backward search per chunk, in the same
    reading (collect need not read the probe files again)."""
    k = buf.rfind(_RSS)
    while k >= 0:
        start = buf.rfind(b"\n", 0, k) + 1
        if buf.startswith(MARK, start + 1):
            end = buf.find(b"\n", k)
            v = core.json_field(buf[k:end if end >= 0 else len(buf)], _RSS)
            v = None if v is None else core.fnum(v.strip())
            return None if v is None or v != v else v
        k = buf.rfind(_RSS, 0, start)
    return None


def probe_files(path: str) -> list:
    return sorted(glob.glob(os.path.join(glob.escape(path), "probe-*.jsonl")))


MAX_I = 10 ** 18 - 1     # the largest step count read (the C fast path reads up to 18 digits)
MAX_WARNED = 10          # malformed lines named one by one per file; the rest are counted
_NUMERIC = frozenset(b"+-.0123456789")


def _value(raw: bytes | None):
    """A cheaply read field: (ok, value). ``null`` and absent are None; a number is a float
    (``NaN``/``Infinity`` included: excluded later as non-finite); anything else is not ok."""
    if raw is None:
        return True, None
    raw = raw.strip()
    if raw == b"null":
        return True, None
    if raw and raw[0] in _NUMERIC or raw in (b"NaN", b"Infinity", b"-Infinity"):
        if b"_" not in raw:
            try:
                return True, float(raw)
            except ValueError:
                pass
    return False, None


def _number(value, name: str):
    if value is None or isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"`{name}` is {type(value).__name__} {str(value)[:40]!r}, not a number")


def _step(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"`i` is {type(value).__name__} {str(value)[:40]!r}, not a step count")
    if value != value or value in (math.inf, -math.inf) or value != int(value):
        raise ValueError(f"`i` is {str(value)[:40]}, not a whole step count")
    if not 1 <= value <= MAX_I:
        raise ValueError(f"`i` is {str(value)[:40]}, outside 1..{MAX_I}")
    return int(value)


def read_iter(l: bytes):
    """``(i, dt, mem_gb)`` of one iter line; ValueError (its message says why) for a malformed one.

    The probe's own layout is read field by field (no json.loads per record); a line that does
    not read that way (another spacing, a string, a cut line) goes through ``json.loads`` and
    the same checks, so that one bad line costs a warning, never the whole file."""
    if MARK in l:
        i = core.json_field(l, b'"i": ')
        ok_dt, dt = _value(core.json_field(l, b'"dt": '))
        ok_mem, mem = _value(core.json_field(l, b'"mem_gb": '))
        if i is not None and ok_dt and ok_mem:
            i = i.strip()
            if i.isdigit() and len(i) <= 18 and i.lstrip(b"0"):
                return int(i), dt, mem
    try:
        d = json.loads(l)
    except ValueError as err:
        raise ValueError(f"not a JSON object ({err.__class__.__name__}: {str(err)[:60]})") from None
    if not isinstance(d, dict):
        raise ValueError("not a JSON object")
    if "i" not in d:
        raise ValueError("iter record without `i`")
    return _step(d["i"]), _number(d.get("dt"), "dt"), _number(d.get("mem_gb"), "mem_gb")


# the probe's own record layout, for the C fast path (parsers/fastpath.py)
FAST = fp.Program(MARK, (
    fp.before(b"{"), fp.lit(b', "i": '), fp.integer(fp.ITER, b","), fp.lit(b', "t": '), fp.skip_to(b","), fp.lit(b', "dt": '),
    fp.number(fp.TIME, b","), fp.lit(b', "mem_gb": '), fp.number(fp.MEM, b",}", null=True)),
    cr_ends=False, n_is_iter=True, every_line=True)


class FileState:
    """What one probe file said about itself: was it closed by the probe, how far it got."""

    def __init__(self, name: str):
        self.name = name
        self.footer = False
        self.n_iter = 0            # iter lines read (the first has no dt: not a record)
        self.n_timed = 0           # of them with a dt: the records
        self.last_i = 0
        self.footer_n = None       # the footer's n_iter
        self.bad = 0

    def incomplete(self) -> str:
        """The warning of a process that stepped but was not closed by the probe ('' if none)."""
        if self.footer or not self.n_iter:
            return ""
        return (f"{self.name}: incomplete run: no footer (the process ended without the probe's exit "
                f"record: SIGKILL, os._exit, a crash, or still running) after {self.n_iter} iteration "
                f"marks up to i={self.last_i} ({self.n_timed} timed records): the run was cut short")


def scan(src: core.Source, col: core.Collector, cut_short: list | None = None) -> None:
    """One probe file's records; ``cut_short`` collects the incomplete-run warnings."""
    acc = col.sink()
    st = FileState(os.path.basename(src.path))
    for buf, first, has_cr in src.chunks():
        rss = _last_rss(buf)
        if rss is not None and rss > col.extra.get("max_rss_gb", -1.0):
            col.extra["max_rss_gb"] = round(rss, 4)
        run = acc.cur
        before = 0 if run is None else run.n_train
        if run is not None and not acc.keep_records and core.bulk_lines(buf, first, acc, (FAST,), has_cr):
            st.n_iter += run.n_train - before        # every line of the chunk: a timed record
            st.n_timed += run.n_train - before
            st.last_i = acc.li
            continue
        for k, l in core.json_lines(buf, has_cr):
            if MARK in l or b'"kind":"iter"' in l:
                try:
                    i, dt, mem = read_iter(l)
                except ValueError as err:
                    st.bad += 1
                    if st.bad <= MAX_WARNED:
                        col.warn(f"{st.name}: line {first + k}: malformed iter record ({err}): not counted")
                    continue
                st.n_iter += 1
                st.last_i = i
                if dt is not None:
                    st.n_timed += 1
                    acc.record(first + k, None, i, None, dt, None, mem, 1)
            elif b'"kind"' in l:
                kind = _kind(l)
                if kind == "footer":
                    st.footer = True
                    try:
                        n = json.loads(l).get("n_iter")
                        st.footer_n = n if isinstance(n, int) and not isinstance(n, bool) else None
                    except (ValueError, AttributeError):
                        pass
                elif kind == "error":
                    try:
                        what = json.loads(l).get("error", "")
                    except (ValueError, AttributeError):
                        what = ""
                    col.warn(f"{st.name}: line {first + k}: probe error {str(what)[:120]}")
    if st.bad > MAX_WARNED:
        col.warn(f"{st.name}: {st.bad} malformed iter records in all, not counted "
                 f"(the first {MAX_WARNED} are named above)")
    note = st.incomplete()
    if note:
        col.warn(note)
        if cut_short is not None:
            cut_short.append(note)
    elif st.footer_n is not None and st.footer_n > st.n_iter + st.bad and st.n_iter:
        lost = st.footer_n - st.n_iter - st.bad
        col.warn(f"{st.name}: the footer counts {st.footer_n} iterations but {st.n_iter + st.bad} iteration "
                 f"records are in the file: {lost} lost")


def _kind(l: bytes) -> str:
    for kind in ("footer", "error"):
        if b'"kind": "' + kind.encode() + b'"' in l or b'"kind":"' + kind.encode() + b'"' in l:
            return kind
    return ""


def sniff(head: bytes) -> int:
    return 10 if head.lstrip().startswith(b'{"kind": "header"') or (head[:1] == b"{" and MARK in head) else 0


FORMAT = core.Format(name="probe-jsonl", time_field="dt",
                     time_meaning="wall time between two consecutive training-step marks of one process "
                                  "(one iteration: data + step), measured by vidbench's probe",
                     marker=MARK, sniff=sniff, scan=scan, json_lines=True,
                     expects='{"kind": "iter", "i": I, ..., "dt": seconds, ...} lines (the first mark of '
                             'a process has "dt": null and is no record)')
FRAMEWORK = core.Framework(name="probe", title="vidbench probe", formats=[FORMAT])


def analyse(path: str, skip: int = core.DEFAULT_SKIP, keep_records: bool = False,
            framework: core.Framework = FRAMEWORK, trace: bool = False) -> core.ParsedLog:
    """Probe records of a directory (one file per process) or of one .jsonl file."""
    if os.path.isdir(path):
        files = probe_files(path)
        if not files:
            raise core.LogError(f"{path}: no probe-*.jsonl files in this directory; run the training under "
                                f"the probe: python -m orchestrator probe --out {path} -- COMMAND")
        for f in files:
            core.check_regular(f)
            core.read_head(f, 4096) if os.path.getsize(f) else None
    else:
        head = core.read_head(path)
        if not sniff(head):
            raise core.LogError(f"{path}: not a vidbench probe file (no {{\"kind\": \"header\"}} first line); "
                                "give a probe directory or its probe-*.jsonl file")
        files = [path]
    cut_short: list = []
    fmt = core.Format(FORMAT.name, FORMAT.time_field, FORMAT.time_meaning, FORMAT.marker, FORMAT.sniff,
                      lambda src, col: scan(src, col, cut_short), FORMAT.json_lines,
                      expects=FORMAT.expects)
    p = core.run_format(path, framework, fmt, skip, keep_records, files=files, trace=trace)
    p.incomplete = cut_short          # named again by require_figures when no figure is left
    return p


FRAMEWORK.analyse = analyse


def main(argv=None) -> int:
    return core.main("python -m parsers.probe", __doc__,
                     lambda path, skip, keep: analyse(path, skip, keep), argv)


if __name__ == "__main__":
    sys.exit(main())
