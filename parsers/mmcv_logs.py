"""mmcv's text and JSON training logs, shared by MMAction2 0.x and MMAction (v1).

Why a module of its own: both frameworks log through mmcv's ``TextLoggerHook``, so the record
format is the same and only the logger prefix differs (``- mmaction - INFO -`` for MMAction2,
``- INFO -`` for MMAction v1 / mmcv 0.x); the framework modules choose by that prefix.

- Text: ``... Epoch [E][I/N]\\tlr: ..., eta: 1 day, 2:03:04, time: T, data_time: D, memory: M, ...``.
  A train record is an ``Epoch [E][I/N]`` segment with a ``time:`` field (``data_time:`` is not
  one); ``Epoch(val)`` and time-less ``Epoch [E][I/N]`` lines (evaluation results) are not.
  The marker is found anywhere in a segment, so a logger line glued after a progress bar counts.
  A ``Start running, host:`` line starts a run.
- JSON (``.log.json``): an object with ``"mode": "train"``, ``time`` and a loss (a ``"loss...``
  key) is a train record; an object without ``mode`` is run metadata and starts a run (the file
  is opened in append mode). Keys are read by name (their order changed in mmcv 1.1). Why the
  loss: mmcv 1.x's logger names a record's mode "train" whenever its buffer holds a ``time``,
  and a ``val`` workflow epoch's buffer does (IterTimerHook times val iterations too), so the
  validation epoch of a ``[('train', 1), ('val', 1)]`` workflow (MMAction2's BSN TEM) is written
  as ``{"mode": "train", "epoch": E+1, "iter": I, "lr": .., "time": .., "data_time": ..}``,
  without the losses every training iteration logs (its text line is a time-less
  ``Epoch(train) [E][I]``). Read as a train record it repeated a position, starting a run at
  every epoch, and left no record past the warm-up.
- Time: ``time`` is the mean wall time (data + step) of the last ``interval`` iterations (the
  log interval), so one record stands for ``interval`` iterations (``covers_iters``, taken as the
  gap to the previous record of the epoch). The figure is the mean of these interval means.
- Memory: ``memory`` is MiB (``max_memory_allocated() // 2**20``); GB = MiB / 1024.
- The JSON records carry no N: the position of a later-epoch record uses the largest iteration
  of the run's first epoch.
"""
import re

from parsers import core
from parsers import fastpath as fp

TEXT_MARK = b"Epoch ["
TEXT_BANNER = b"Start running, host:"
JSON_MARK = b'"mode": "train"'
LOSS_KEY = b'"loss'      # every train record logs its losses; a val epoch's does not (above)


# A header with no `time:` after it in its segment matches the second branch, which takes the
# rest of the segment: the search goes on after it instead of trying every later header of the
# segment (none of them can have a `time:` either), so a long line of time-less headers is read
# in linear time, not quadratic (issue 16: 118 s for 400 KB). Such a match is no record at all.
TEXT_RE = re.compile(rb"Epoch \[(\d+)\]\[(\d+)/(\d+)\]\t(?:[^\n\r]*?[\t ]time: ([^,\r\n]*)"
                     rb"(?:, data_time: ([^,\r\n]*))?(?:, memory: (\d+))?|[^\n\r]*)")


def scan_text(src: core.Source, col: core.Collector) -> None:
    state = [-1, -1]      # previous (epoch, iter): covers_iters is the gap within an epoch
    fnum = core.fnum

    def convert(m, line):
        e, i, n, t, d, mem = m.groups()
        if t is None:
            return ()                        # a time-less header (evaluation results): no record
        e = int(e)
        i = int(i)
        pe, pi = state
        covers = i - pi if e == pe and i > pi else i
        state[0] = e
        state[1] = i
        return (line, e, i, int(n), fnum(t), fnum(d), None if mem is None else int(mem) / 1024, covers)

    core.scan_regex(src, col, TEXT_RE, TEXT_BANNER, convert, (TEXT_FAST,))




# the same layouts for the C fast path (parsers/fastpath.py): what TEXT_RE and the JSON keys read
TEXT_FAST = fp.Program(TEXT_MARK, (
    fp.integer(fp.EPOCH), fp.lit(b"]["), fp.integer(fp.ITER), fp.lit(b"/"), fp.integer(fp.N), fp.lit(b"]\t"),
    fp.seek(b"time: ", after_space=True), fp.number(fp.TIME, b","),
    fp.maybe(b", data_time: "), fp.skip_to(b","), fp.maybe(b", memory: "), fp.integer(fp.MEM)),
    mem_scale=1 / 1024)
JSON_FAST = fp.Program(JSON_MARK, (
    fp.key(b'"epoch": '), fp.integer(fp.EPOCH, b",}"), fp.key(b'"iter": '), fp.integer(fp.ITER, b",}"),
    fp.key(b'"memory": ', optional=True), fp.integer(fp.MEM, b",}"), fp.key(b'"time": '),
    fp.number(fp.TIME, b",}"), fp.key(LOSS_KEY)), cr_ends=False, mem_scale=1 / 1024, every_line=True)


def scan_json(src: core.Source, col: core.Collector) -> None:
    acc = col.sink()
    prev_e = prev_i = -1
    fnum = core.fnum
    for buf, first, has_cr in src.chunks():
        if acc.cur is not None and not acc.keep_records and \
                core.bulk_lines(buf, first, acc, (JSON_FAST,), has_cr):
            prev_e = prev_i = -1
            continue
        rows = []
        for k, l in core.json_lines(buf, has_cr):
            if JSON_MARK in l:
                t = core.json_field(l, b'"time": ')
                if t is None or LOSS_KEY not in l:   # a val epoch's record (see the docstring)
                    acc.n_other += 1
                else:
                    try:
                        epoch = int(core.json_field(l, b'"epoch": '))
                        it = int(core.json_field(l, b'"iter": '))
                    except (TypeError, ValueError):
                        col.warn(f"line {first + k}: train record without epoch/iter: not counted")
                        continue
                    mem = core.json_field(l, b'"memory": ')
                    covers = it - prev_i if epoch == prev_e and it > prev_i else it
                    prev_e, prev_i = epoch, it
                    rows.append((first + k, epoch, it, None, fnum(t), fnum(core.json_field(l, b'"data_time": ')),
                                 None if mem is None else fnum(mem) / 1024, covers))
            elif b'"mode": ' in l:
                acc.n_other += 1
            elif l.lstrip().startswith(b"{"):
                acc.feed(rows)
                rows = []
                col.banner(first + k)
        acc.feed(rows)


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
        marker=TEXT_MARK, sniff=sniff, scan=scan_text,
        expects="`Epoch [E][I/N]\\tlr: ..., time: T, data_time: D, memory: M, ...` lines (mmcv text logger)")


def json_format(sniff=sniff_json) -> core.Format:
    return core.Format(
        name="mmcv-json", time_field="time",
        time_meaning="mean wall time (data + step) of the last `interval` iterations (the log interval): "
                     "one record stands for `interval` iterations",
        marker=JSON_MARK, sniff=sniff, scan=scan_json, json_lines=True,
        expects='JSON lines with "mode": "train", "epoch", "iter" and a "time" (mmcv JSON logger)')

