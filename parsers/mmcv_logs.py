"""mmcv's text and JSON training logs, shared by MMAction2 0.x and MMAction (v1).

Why a module of its own: both frameworks log through mmcv's ``TextLoggerHook``, so the record
format is the same and only the logger prefix differs (``- mmaction - INFO -`` for MMAction2,
``- INFO -`` for MMAction v1 / mmcv 0.x); the framework modules choose by that prefix.

- Text: ``... Epoch [E][I/N]\\tlr: ..., eta: 1 day, 2:03:04, time: T, data_time: D, memory: M, ...``.
  A train record is an ``Epoch [E][I/N]`` segment with a ``time:`` field (``data_time:`` is not
  one); ``Epoch(val)`` and time-less ``Epoch [E][I/N]`` lines (evaluation results) are not.
  The marker is found anywhere in a segment, so a logger line glued after a progress bar counts.
  A ``Start running, host:`` line starts a run.
- JSON (``.log.json``): an object with ``"mode": "train"`` and ``time`` is a train record; an
  object without ``mode`` is run metadata and starts a run (the file is opened in append mode).
  Keys are read by name (their order changed in mmcv 1.1).
- Time: ``time`` is the mean wall time (data + step) of the last ``interval`` iterations (the
  log interval), so one record stands for ``interval`` iterations (``covers_iters``, taken as the
  gap to the previous record of the epoch). The figure is the mean of these interval means.
- Memory: ``memory`` is MiB (``max_memory_allocated() // 2**20``); GB = MiB / 1024.
- The JSON records carry no N: the position of a later-epoch record uses the largest iteration
  of the run's first epoch.
"""
import json

from parsers import core

TEXT_MARK = b"Epoch ["
TEXT_BANNER = b"Start running, host:"
JSON_MARK = b'"mode": "train"'


def _field(buf: bytes, key: bytes, s: int, e: int):
    k = buf.find(key, s, e)
    if k < 0:
        return None
    v = k + len(key)
    c = buf.find(b",", v, e)
    return buf[v:c if c >= 0 else e].strip()


def scan_text(src: core.Source, col: core.Collector) -> None:
    acc = col.sink()
    prev_e = prev_i = -1
    for buf, line, has_cr in src.chunks():
        find = buf.find
        count = buf.count
        last = pos = 0
        nb = find(TEXT_BANNER)
        while True:
            j = find(TEXT_MARK, pos)
            if j < 0:
                break
            while 0 <= nb < j:
                line += count(b"\n", last, nb)
                last = nb
                col.banner(line)
                nb = find(TEXT_BANNER, nb + 1)
            line += count(b"\n", last, j)
            last = j
            if has_cr:
                s, e = core.segment_bounds(buf, j, True)
            else:
                e = find(b"\n", j)
            pos = e
            a = j + 7
            b = find(b"]", a, e)
            c = find(b"/", b, e)
            d = find(b"]", c, e)
            if b < 0 or c < 0 or d < 0 or buf[b + 1:b + 2] != b"[":
                continue
            k = find(b" time: ", d, e)
            if k < 0:
                k = find(b"\ttime: ", d, e)
                if k < 0:
                    acc.n_other += 1        # evaluation line in train format, no time
                    continue
            try:
                epoch = int(buf[a:b])
                it = int(buf[b + 2:c])
                n = int(buf[c + 1:d])
            except ValueError:
                continue
            comma = find(b",", k + 7, e)
            t = core.to_float(buf[k + 7:comma if comma >= 0 else e])
            dt = _field(buf, b"data_time: ", d, e)
            mem = _field(buf, b"memory: ", d, e)
            covers = it - prev_i if epoch == prev_e and it > prev_i else it
            prev_e, prev_i = epoch, it
            acc.record(line, epoch, it, n, t, None if dt is None else core.to_float(dt),
                       None if mem is None else core.to_float(mem) / 1024, covers)
        while nb >= 0:
            line += count(b"\n", last, nb)
            last = nb
            col.banner(line)
            nb = find(TEXT_BANNER, nb + 1)


def _jfield(l: bytes, key: bytes):
    k = l.find(key)
    if k < 0:
        return None
    v = k + len(key)
    c = l.find(b",", v)
    if c < 0:
        c = l.find(b"}", v)
    return l[v:c]


def scan_json(src: core.Source, col: core.Collector) -> None:
    acc = col.sink()
    prev_e = prev_i = -1
    for buf, line, _ in src.chunks():
        for l in buf.split(b"\n"):
            if JSON_MARK in l:
                t = _jfield(l, b'"time": ')
                if t is None:
                    acc.n_other += 1
                else:
                    try:
                        epoch = int(_jfield(l, b'"epoch": '))
                        it = int(_jfield(l, b'"iter": '))
                    except (TypeError, ValueError):
                        col.warn(f"line {line}: train record without epoch/iter: not counted")
                        line += 1
                        continue
                    dt = _jfield(l, b'"data_time": ')
                    mem = _jfield(l, b'"memory": ')
                    covers = it - prev_i if epoch == prev_e and it > prev_i else it
                    prev_e, prev_i = epoch, it
                    acc.record(line, epoch, it, None, core.to_float(t), None if dt is None else core.to_float(dt),
                               None if mem is None else core.to_float(mem) / 1024, covers)
            elif b'"mode": ' in l:
                acc.n_other += 1
            elif l.lstrip().startswith(b"{"):
                col.banner(line)
            line += 1


def _json_head(head: bytes) -> bool:
    first = head.lstrip()[:1] == b"{"
    return first and (b'"mode": "' in head or b'"env_info": ' in head or b'"hook_msgs": ' in head) \
        and b'"step": ' not in head


def sniff_json(head: bytes) -> int:
    return 10 if _json_head(head) else 0


def text_format(sniff) -> core.Format:
    return core.Format(
        name="mmcv-text", time_field="time",
        time_meaning="mean wall time (data + step) of the last `interval` iterations (the log interval): "
                     "one record stands for `interval` iterations",
        marker=TEXT_MARK, sniff=sniff, scan=scan_text)


def json_format(sniff=sniff_json) -> core.Format:
    return core.Format(
        name="mmcv-json", time_field="time",
        time_meaning="mean wall time (data + step) of the last `interval` iterations (the log interval): "
                     "one record stands for `interval` iterations",
        marker=JSON_MARK, sniff=sniff, scan=scan_json, json_lines=True)


__all__ = ["scan_text", "scan_json", "text_format", "json_format", "json"]
