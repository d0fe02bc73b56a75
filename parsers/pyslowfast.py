"""PySlowFast training logs: ``python -m parsers.pyslowfast LOG``.

Why its own module: PySlowFast logs one JSON object per record after ``json_stats: `` and its
fields changed over the years; this module knows those eras and nothing else
(rules: ``../shared/reference/DEFINITIONS.md``).

- Train record: ``_type`` starts with ``train_iter`` (``train_iter``, ``train_iter_`` since
  2022, ``train_iter_ssl``). ``val_iter``, ``train_epoch``, ``val_epoch`` are not.
- Epoch/iteration: numerators of ``"epoch": "3/196"``, ``"iter": "50/316"`` (N = 316), or AVA's
  ``cur_epoch``/``cur_iter`` (no N: the largest iteration of the run's first epoch is used).
- Time: ``time_diff`` (up to 2020-09), else ``dt``; both the time of that one iteration.
  ``dt_data`` (data loading) is kept as data_time.
- Memory: ``"gpu_mem": "4.45 GB"`` / ``"7.63G"`` (GiB), or the oldest ``"mem": <MiB>``.
- Runs: a ``Train with config`` line starts a launch; records before the first are a run too.
- The pinned commit's console repeats every record as ``[INFO: logging.py:   96]: json_stats:``;
  when both forms are in a file only the timestamped (file-handler) form counts.
- Bare ``NaN``/``Infinity`` tokens are read as such; non-finite times are excluded and counted.
"""
import re
import sys

from parsers import core
from parsers import fastpath as fp

MARK = b"json_stats: "
BANNER = b"Train with config"
_TRAIN = b'"_type": "train_iter'
_CONSOLE = b"[INFO: "


RECORD_RE = re.compile(rb"json_stats: ([^\n\r]*)")


def _num(p: bytes, key: bytes):
    k = p.find(key)
    if k < 0:
        return None
    k += len(key)
    c = p.find(b",", k)
    return p[k:c] if c >= 0 else p[k:p.find(b"}", k)]


def _row(p: bytes, line: int):
    """The row of one train record's JSON text ``p`` (None when a needed key is missing)."""
    t = _num(p, b'"time_diff": ')
    if t is None:
        t = _num(p, b'"dt": ')
    k = p.find(b'"epoch": "')
    if k >= 0:
        e = p[k + 10:p.find(b"/", k)]
        k = p.find(b'"iter": "')
        i, _, n = p[k + 9:p.find(b'"', k + 9)].partition(b"/") if k >= 0 else (None, None, None)
    else:
        e = _num(p, b'"cur_epoch": ')
        i, n = _num(p, b'"cur_iter": '), None
    if t is None or e is None or i is None:
        return None
    k = p.find(b'"gpu_mem": "')
    if k >= 0:
        mem = core.fnum(p[k + 12:p.find(b'"', k + 12)].rstrip(b" GBgb"))
    else:
        mem = _num(p, b'"mem": ')
        if mem is not None:
            mem = core.fnum(mem) / 1024
    k = p.find(b'"dt_data": ')
    d = None if k < 0 else core.fnum(_num(p, b'"dt_data": '))
    try:
        return (line, int(e), int(i), int(n) if n else None, core.fnum(t), d, mem, 1)
    except ValueError:
        return None


# the same layouts for the C fast path (parsers/fastpath.py): the eras with time_diff and dt
def _fast(time_key: bytes, every_line: bool) -> fp.Program:
    return fp.Program(MARK, (
        fp.not_before(b"]: "), fp.key(_TRAIN), fp.key(time_key), fp.number(fp.TIME, b",}"),
        fp.key(b'"epoch": "'), fp.integer(fp.EPOCH, b"/"), fp.key(b'"gpu_mem": "'), fp.number(fp.MEM, b' GBgb"'),
        fp.key(b'"iter": "'), fp.integer(fp.ITER), fp.lit(b"/"), fp.integer(fp.N, b'"')), cr_ends=False,
        every_line=every_line)


# timestamped (file-handler) train records with gpu_mem (records without it, the console copies
# and the oldest "mem" era take the regular expression); chunks of nothing but records first
FAST = tuple(_fast(k, every) for every in (True, False) for k in (b'"dt": ', b'"time_diff": '))


def _bulk(buf: bytes, line: int, lines: int, acc: core.Accumulator) -> bool:
    """A chunk (of ``lines`` newlines) of plain timestamped train records continuing a run past
    its warm-up."""
    cols = fp.read(buf, *FAST)
    return cols is not None and acc.bulk(cols, line + lines - cols.lines_after_last)


def scan(src: core.Source, col: core.Collector) -> None:
    main = col.sink()
    console = None
    for buf, line, _ in src.chunks():
        count = buf.count
        banners = []
        b = fp.find(buf, BANNER)
        while b >= 0:
            banners.append(b)
            b = fp.find(buf, BANNER, b + 1)
        if not banners and console is None and main.cur is not None and _bulk(buf, line, src.chunk_lines, main):
            continue
        banners.append(len(buf))
        bi = 0
        nb = banners[0]
        rows, crows = [], []
        last = 0
        for m in RECORD_RE.finditer(buf):
            j = m.start()
            while nb < j:
                line += count(b"\n", last, nb)
                last = nb
                main.feed(rows)
                rows = []
                if console is not None:
                    console.feed(crows)
                    crows = []
                col.banner(line)
                bi += 1
                nb = banners[bi]
            line += count(b"\n", last, j)
            last = j
            p = m.group(1)
            # the record's line starts after the last newline or lone CR (core.json_lines' rule)
            console_form = buf[j - 3:j] == b"]: " and buf.startswith(
                _CONSOLE, max(buf.rfind(b"\n", 0, j), buf.rfind(b"\r", 0, j)) + 1)
            if console_form and console is None:
                console = col.sink("console")
            if _TRAIN not in p:
                (console if console_form else main).n_other += 1
                continue
            row = _row(p, line)
            if row is None:
                col.warn(f"line {line}: train record without time_diff/dt, epoch or iter: not counted")
            elif console_form:
                crows.append(row)
            else:
                rows.append(row)
        main.feed(rows)
        if console is not None:
            console.feed(crows)
        for nb in banners[bi:-1]:
            line += count(b"\n", last, nb)
            last = nb
            col.banner(line)


def sniff(head: bytes) -> int:
    return 10 if MARK in head else 0


FORMAT = core.Format(
    name="json_stats", time_field="time_diff|dt",
    time_meaning="the wall time of that one logged iteration (not a mean over LOG_PERIOD)",
    marker=MARK, sniff=sniff, scan=scan)
FRAMEWORK = core.Framework(name="pyslowfast", title="PySlowFast", formats=[FORMAT])


def main(argv=None) -> int:
    from parsers import api
    return api.framework_main(FRAMEWORK, argv)


if __name__ == "__main__":
    sys.exit(main())
