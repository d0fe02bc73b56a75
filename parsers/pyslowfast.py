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
from __future__ import annotations

import re
import sys

from parsers import core, frameworks
from parsers import fastpath as fp

MARK = b"json_stats: "
BANNER = b"Train with config"
_TRAIN = b'"_type": "train_iter'
_CONSOLE = b"[INFO: "


RECORD_RE = re.compile(rb"json_stats: ([^\n\r]*)")


def _num(p: bytes, key: bytes):
    """The raw bytes of ``key``'s value (up to the next ``,`` or ``}``), or None."""
    k = p.find(key)
    if k < 0:
        return None
    k += len(key)
    c = p.find(b",", k)
    return p[k:c] if c >= 0 else p[k:p.find(b"}", k)]


def _count(v: bytes):
    """(k, N or None) of an epoch/iteration value as any era prints it: ``1``, ``"1"``,
    ``"1/20"``, ``"10/600"``. ValueError for anything else."""
    k, _, n = v.strip().strip(b'"').partition(b"/")
    return int(k), (int(n) if n else None)


# where the record time is: ``time_diff`` (up to 2020-09), ``dt`` (X3D era on), ``dt_diff``
# (the EPIC-KITCHENS fork); each the time of the one logged iteration
TIME_KEYS = (b'"time_diff": ', b'"dt": ', b'"dt_diff": ')
_GIB = {b"": 1.0, b"g": 1.0, b"gb": 1.0, b"gib": 1.0, b"m": 1 / 1024, b"mb": 1 / 1024, b"mib": 1 / 1024}


def _mem(p: bytes):
    """GiB of a record's memory: ``"gpu_mem": "4.45 GB"`` / ``"7.63G"`` / ``4.45`` (GiB), or the
    oldest ``"mem": 2048`` (MiB; a quoted value with a unit says its own). None when absent."""
    v = _num(p, b'"gpu_mem": ')
    scale = 1.0
    if v is None:
        v = _num(p, b'"mem": ')
        if v is None:
            return None
        scale = 1 / 1024
    v = v.strip()
    if v.startswith(b'"'):
        text = v.strip(b'"').strip()
        digits = text.rstrip(b"GgMmBbIi ")
        unit = text[len(digits):].strip().lower()
        if unit in _GIB:
            scale = _GIB[unit] if unit else scale
        v = digits
    m = core.fnum(v)
    return None if m is None else m * scale


def why_not(p: bytes) -> str | None:
    """Why the JSON text ``p`` of a ``train_iter`` record gives no row (None: it does)."""
    if not any(k in p for k in TIME_KEYS):
        return "it has no time_diff, dt or dt_diff"
    for keys, what in (((b'"epoch": ', b'"cur_epoch": '), "epoch"), ((b'"iter": ', b'"cur_iter": '), "iter")):
        v = next((_num(p, k) for k in keys if k in p), None)
        if v is None:
            return f"it has no {what} or cur_{what}"
        try:
            _count(v)
        except ValueError:
            return f"its {what} value {v.decode('utf-8', 'replace')} is not a number or \"k/N\""
    return None


def _row(p: bytes, line: int):
    """The row of one train record's JSON text ``p`` (None when a needed key is missing).

    Every era's shape (docs/LOG-SHAPES.md): ``epoch``/``iter`` or AVA's ``cur_epoch``/``cur_iter``,
    each an integer or a string ``"k"`` / ``"k/N"`` (N from the iteration's ``/N``)."""
    t = None
    for key in TIME_KEYS:
        t = _num(p, key)
        if t is not None:
            break
    e = _num(p, b'"epoch": ')
    if e is None:
        e = _num(p, b'"cur_epoch": ')
    i = _num(p, b'"iter": ')
    if i is None:
        i = _num(p, b'"cur_iter": ')
    if t is None or e is None or i is None:
        return None
    d = _num(p, b'"dt_data": ')
    try:
        (e, _), (i, n) = _count(e), _count(i)
        return (line, e, i, n, core.fnum(t), None if d is None else core.fnum(d), _mem(p), 1)
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


def scan(src: core.Source, col: core.Collector) -> None:
    """``core.scan_regex``'s loop, with the pinned commit's console copies of the records kept
    apart: a record in the console form goes to a second sink (``Collector`` then counts the
    timestamped form only, when the file has both), and once one is seen the fast path (which
    cannot tell the forms apart) takes no chunk."""
    main = col.sink()
    console = None
    crows: list = []

    def convert(m, line):
        nonlocal console
        buf, j = m.string, m.start()
        p = m.group(1)
        # the record's line starts after the last newline or lone CR (core.json_lines' rule)
        console_form = buf[j - 3:j] == b"]: " and buf.startswith(
            _CONSOLE, max(buf.rfind(b"\n", 0, j), buf.rfind(b"\r", 0, j)) + 1)
        if console_form and console is None:
            console = col.sink("console")
        if _TRAIN not in p:
            (console if console_form else main).n_other += 1
            k = p.find(b'"_type": "')
            kind = p[k + 10:p.find(b'"', k + 10)].decode("utf-8", "replace") if k >= 0 else None
            col.refuse(line, buf[j:m.end()], f"its _type is {kind!r}, not train_iter*" if kind
                       else "it has no _type", train_like=False)
            return ()
        row = _row(p, line)
        if row is None:
            why = why_not(p) or "its fields do not read as numbers"
            col.warn(f"line {line}: train record not counted: {why}")
            col.refuse(line, buf[j:m.end()], why, train_like=True)
            return ()
        if console_form:
            crows.append(row)
            return ()
        return row

    def flush():
        nonlocal crows
        if console is not None:
            console.feed(crows)
            crows = []

    core.scan_regex(src, col, RECORD_RE, BANNER, convert, FAST, flush=flush,
                    may_bulk=lambda: console is None)


def sniff(head: bytes) -> int:
    return 10 if MARK in head else 0


FORMAT = core.Format(
    name="json_stats", time_field="time_diff|dt",
    time_meaning="the wall time of that one logged iteration (not a mean over LOG_PERIOD)",
    marker=MARK, sniff=sniff, scan=scan,
    expects='`json_stats: {...}` lines of "_type": "train_iter*" with a time (time_diff, dt or dt_diff) '
            'and epoch/iter or cur_epoch/cur_iter (1, "1" or "1/20")')
INFO = frameworks.BY_NAME["pyslowfast"]
FRAMEWORK = core.Framework(name=INFO.name, title=INFO.title, formats=[FORMAT])


def main(argv=None) -> int:
    from parsers import api
    return api.framework_main(FRAMEWORK, argv)


if __name__ == "__main__":
    sys.exit(main())
