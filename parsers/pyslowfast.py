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
import sys

from parsers import core

MARK = b"json_stats: "
BANNER = b"Train with config"
_TRAIN = b'"_type": "train_iter'
_TYPE = b'"_type": '
_KEYS_TIME = (b'"time_diff": ', b'"dt": ')
_CONSOLE = b"[INFO: "


def _value(buf: bytes, key: bytes, s: int, e: int):
    """The raw bytes of ``key``'s value inside buf[s:e], or None."""
    k = buf.find(key, s, e)
    if k < 0:
        return None
    v = k + len(key)
    if buf[v:v + 1] == b'"':
        return buf[v + 1:buf.find(b'"', v + 1, e)]
    c = buf.find(b",", v, e)
    if c < 0:
        c = buf.find(b"}", v, e)
    return buf[v:c].strip()


def _fraction(raw):
    """``b"50/316"`` -> (50, 316); ``b"50"`` -> (50, None)."""
    a, _, b = raw.partition(b"/")
    return int(a), (int(b) if b else None)


def _mem_gb(buf, s, e):
    raw = _value(buf, b'"gpu_mem": ', s, e)
    if raw is not None:
        return core.to_float(raw.rstrip(b" GBgb"))
    raw = _value(buf, b'"mem": ', s, e)
    return None if raw is None else core.to_float(raw) / 1024


def scan(src: core.Source, col: core.Collector) -> None:
    main = col.sink()
    console = None
    for buf, line, has_cr in src.chunks():
        last = 0
        pos = 0
        nb = buf.find(BANNER)
        find = buf.find
        count = buf.count
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
            s, e = core.segment_bounds(buf, j, has_cr) if has_cr else (buf.rfind(b"\n", 0, j) + 1, find(b"\n", j))
            pos = e
            acc = main
            if buf.startswith(_CONSOLE, s):
                if console is None:
                    console = col.sink("console")
                acc = console
            if find(_TRAIN, j, e) < 0:
                if find(_TYPE, j, e) >= 0:
                    acc.n_other += 1
                continue
            try:
                raw = _value(buf, b'"time_diff": ', j, e)
                if raw is None:
                    raw = _value(buf, b'"dt": ', j, e)
                if raw is None:
                    col.warn(f"line {line}: train record without time_diff/dt: not counted")
                    continue
                t = core.to_float(raw)
                ep = _value(buf, b'"epoch": ', j, e)
                if ep is None:
                    ep = _value(buf, b'"cur_epoch": ', j, e)
                it = _value(buf, b'"iter": ', j, e)
                if it is None:
                    it = _value(buf, b'"cur_iter": ', j, e)
                epoch = _fraction(ep)[0]
                i, n = _fraction(it)
            except (TypeError, ValueError, AttributeError):
                col.warn(f"line {line}: unreadable train record: not counted")
                continue
            d = _value(buf, b'"dt_data": ', j, e)
            acc.record(line, epoch, i, n, t, None if d is None else core.to_float(d), _mem_gb(buf, j, e), 1)
        while nb >= 0:
            line += count(b"\n", last, nb)
            last = nb
            col.banner(line)
            nb = find(BANNER, nb + 1)


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
