"""Temporal-Shift-Module training logs: ``python -m parsers.tsm LOG``.

Why: TSM's ``main.py`` prints its own record lines, to stdout and to
``log/<store_name>/log.csv`` (same text, despite the name):
``Epoch: [e][i/N], lr: L\\tTime v (avg)\\tData v (avg)\\tLoss ...``.

- Epoch ``e`` is 0-based as printed; ``i`` is the 0-based batch index: the iteration is ``i + 1``.
- Time is ``v``, the first number after ``Time``: that one batch (data + step). The number in
  parentheses, the running mean since the epoch began, is not used. ``Data`` is kept as data_time.
- ``Test: [...]`` lines are validation, not train records. No memory is logged.
- A ``storing name:`` line (stdout) starts a run. log.csv holds one run.
- With ``--print-freq`` > 1 the printed batches over-weight each epoch's first batch (always
  printed); the parser warns. The benchmark ran with ``--print-freq 1``.
"""
import re
import sys

from parsers import core, frameworks
from parsers import fastpath as fp

MARK = b"Epoch: ["
BANNER = b"storing name:"


# the second branch takes the rest of a segment whose header has no `\tTime ` after it: linear
# time on a long line of time-less headers (see mmcv_logs.TEXT_RE); such a match is no record
RECORD_RE = re.compile(rb"Epoch: \[(\d+)\]\[(\d+)/(\d+)\](?:[^\n\r]*?\tTime ([^ \t\r\n]*)"
                       rb"(?: \([^)\r\n]*\)\tData ([^ \t\r\n]*))?|[^\n\r]*)")


def scan(src: core.Source, col: core.Collector) -> None:
    state = [-1, -1, 0]   # previous epoch, iteration; the first gap > 1 seen (print-freq)
    fnum = core.fnum

    def convert(m, line):
        e, i, n, t, d = m.groups()
        if t is None:
            return ()                    # a header without `\tTime `: no record
        e = int(e)
        i = int(i) + 1
        if e == state[0] and i - state[1] > 1 and not state[2]:
            state[2] = i - state[1]
        state[0] = e
        state[1] = i
        return (line, e, i, int(n), fnum(t), fnum(d), None, 1)

    def on_bulk(c):
        if not state[2]:
            gap = c.first_iter - state[1] if c.first_epoch == state[0] else 0
            gap = gap if gap > 1 else c.first_gap
            if gap > 1:
                state[2] = gap
        state[0] = c.last_epoch
        state[1] = c.last_iter

    core.scan_regex(src, col, RECORD_RE, BANNER, convert, (FAST,), on_bulk)
    if state[2]:
        gap = state[2]
        col.warn(f"records every {gap} batches (--print-freq {gap}): each epoch's first batch, always printed, "
                 "is over-weighted; the benchmark used --print-freq 1")


# the same layout for the C fast path (parsers/fastpath.py)
FAST = fp.Program(MARK, (
    fp.integer(fp.EPOCH), fp.lit(b"]["), fp.integer(fp.ITER, add=1), fp.lit(b"/"), fp.integer(fp.N),
    fp.lit(b"]"), fp.seek(b"\tTime "), fp.number(fp.TIME, b" \t")))


def sniff_stdout(head: bytes) -> int:
    if MARK in head and b"\tTime " in head:
        return 9 if head.startswith(MARK) else 10
    return 5 if BANNER in head else 0


def sniff_csv(head: bytes) -> int:
    return 10 if head.startswith(MARK) and b"\tTime " in head else 0


_MEANING = "the wall time (data + step) of that one batch (`Time v`, not the running mean in parentheses)"
_EXPECTS = "`Epoch: [E][I/N], lr: ...\\tTime T (mean)\\tData ...` lines (TSM's main.py)"
STDOUT = core.Format(name="tsm-stdout", time_field="Time", time_meaning=_MEANING, marker=MARK,
                     sniff=sniff_stdout, scan=scan, expects=_EXPECTS)
CSV = core.Format(name="tsm-log.csv", time_field="Time", time_meaning=_MEANING, marker=MARK,
                  sniff=sniff_csv, scan=scan, expects=_EXPECTS)
INFO = frameworks.BY_NAME["tsm"]
FRAMEWORK = core.Framework(name=INFO.name, title=INFO.title, formats=[STDOUT, CSV])


def main(argv=None) -> int:
    from parsers import api
    return api.framework_main(FRAMEWORK, argv)


if __name__ == "__main__":
    sys.exit(main())
