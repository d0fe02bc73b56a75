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
import sys

from parsers import core

MARK = b"Epoch: ["
BANNER = b"storing name:"


def scan(src: core.Source, col: core.Collector) -> None:
    acc = col.sink()
    prev_e = prev_i = -1
    gap = 0
    for buf, line, has_cr in src.chunks():
        find = buf.find
        count = buf.count
        last = pos = 0
        nb = find(BANNER)
        while True:
            j = find(MARK, pos)
            if j < 0:
                break
            while 0 <= nb < j:
                line += count(b"\n", last, nb)
                last = nb
                col.banner(line)
                nb = find(BANNER, nb + 1)
            line += count(b"\n", last, j)
            last = j
            if has_cr:
                _, e = core.segment_bounds(buf, j, True)
            else:
                e = find(b"\n", j)
            pos = e
            a = j + 8
            b = find(b"][", a, e)
            c = find(b"/", b, e)
            d = find(b"]", c, e)
            k = find(b"Time ", d, e)
            if b < 0 or c < 0 or d < 0 or k < 0:
                continue
            try:
                epoch = int(buf[a:b])
                i = int(buf[b + 2:c]) + 1
                n = int(buf[c + 1:d])
            except ValueError:
                continue
            sp = find(b" ", k + 5, e)
            t = core.to_float(buf[k + 5:sp if sp >= 0 else e])
            dk = find(b"Data ", k, e)
            dt = None
            if dk >= 0:
                sp = find(b" ", dk + 5, e)
                dt = core.to_float(buf[dk + 5:sp if sp >= 0 else e])
            if epoch == prev_e and i - prev_i > 1 and not gap:
                gap = i - prev_i
            prev_e, prev_i = epoch, i
            acc.record(line, epoch, i, n, t, dt, None, 1)
        while nb >= 0:
            line += count(b"\n", last, nb)
            last = nb
            col.banner(line)
            nb = find(BANNER, nb + 1)
    if gap:
        col.warn(f"records every {gap} batches (--print-freq {gap}): each epoch's first batch, always printed, "
                 "is over-weighted; the benchmark used --print-freq 1")


def sniff_stdout(head: bytes) -> int:
    if MARK in head and b"\tTime " in head:
        return 9 if head.startswith(MARK) else 10
    return 5 if BANNER in head else 0


def sniff_csv(head: bytes) -> int:
    return 10 if head.startswith(MARK) and b"\tTime " in head else 0


_MEANING = "the wall time (data + step) of that one batch (`Time v`, not the running mean in parentheses)"
STDOUT = core.Format(name="tsm-stdout", time_field="Time", time_meaning=_MEANING, marker=MARK,
                     sniff=sniff_stdout, scan=scan)
CSV = core.Format(name="tsm-log.csv", time_field="Time", time_meaning=_MEANING, marker=MARK,
                  sniff=sniff_csv, scan=scan)
FRAMEWORK = core.Framework(name="tsm", title="Temporal-Shift-Module (TSM)", formats=[STDOUT, CSV])


def main(argv=None) -> int:
    from parsers import api
    return api.framework_main(FRAMEWORK, argv)


if __name__ == "__main__":
    sys.exit(main())
