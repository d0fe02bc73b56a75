"""mmengine's training logs (MMAction2 1.x): the text log and ``vis_data`` JSON.

Why a module of its own: MMAction2 1.x logs through mmengine, whose records look and mean
something else than mmcv's.

What one record's ``time`` is (read from mmengine 0.10 ``hooks/iter_timer_hook.py`` and
``runner/log_processor.py``): ``IterTimerHook`` pushes, after every training iteration, the
wall time since the previous iteration ended (data loading + forward/backward/step; the first
iteration of an epoch is timed from the epoch start) into the message hub's ``train/time``
history. ``LogProcessor.get_log_after_iter`` writes ``time = history.mean(window_size)``: the
mean of the **last ``window_size`` iterations** (config ``log_processor.window_size``, default
10), whatever the logger interval. The history lives for the whole launch, so records near the
start of a launch average fewer iterations (all there are), and with a logging interval smaller
than the window consecutive records overlap. ``data_time`` is the same window mean of the
loading time. ``memory`` (MiB, only when CUDA is used) is ``max_memory_allocated``.
The benchmark figure is the mean of these record times after the warm-up (DEFINITIONS.md);
``covers_iters`` is ``min(window_size, global iteration)``.

- Text: ``Epoch(train)  [1][ 20/400]  lr: ...  eta: ...  time: 0.4098  data_time: 0.0045
  memory: 4231  ...`` (numbers right-aligned, two-space separators, no commas) or
  ``Iter(train) [ 20/100]`` for iteration-based loops (global iteration, no epoch).
  ``Epoch(val)``/``Iter(val)`` are not train records. ``System environment:`` starts a launch;
  the config dump's ``window_size=`` is read when present (else 10).
- JSON (``vis_data/scalars.json``, ``vis_data/<timestamp>.json``): one object per logged train
  step with ``time``, ``data_time``, ``epoch`` (epoch loops), ``iter`` and ``step`` (the global
  iteration, used as the position: DEFINITIONS.md). Validation objects carry no ``iter``.
"""
import re

from parsers import core
from parsers import fastpath as fp

TEXT_MARK = b"(train)"
BANNER = b"System environment:"
WINDOW = b"window_size="
JSON_MARK = b'"step": '
DEFAULT_WINDOW = 10


# the second branch takes the rest of a segment whose header has no ` time:` after it: linear
# time on a long line of time-less headers (see mmcv_logs.TEXT_RE); such a match is no record
TEXT_RE = re.compile(rb"(?:Epoch\(train\) *\[ *(\d+)\]|Iter\(train\) *)\[ *(\d+)/(\d+)\](?:[^\n\r]*? time: "
                     rb"([^ \r\n]*)(?: +data_time: ([^ \r\n]*))?(?: +memory: (\d+))?|[^\n\r]*)")
_WINDOW_RE = re.compile(rb"window_size=(\d+)")


def scan_text(src: core.Source, col: core.Collector) -> None:
    fnum = core.fnum
    state = [DEFAULT_WINDOW]

    def convert(m, line):
        ep, it, n, t, d, mem = m.groups()
        if t is None:
            return ()                            # a header without ` time:`: no record
        it = int(it)
        n = int(n)
        if ep is None:                       # Iter(train): global iteration, no epoch
            epoch, per_epoch, glob = None, None, it
        else:
            epoch, per_epoch = int(ep), n
            glob = (epoch - 1) * n + it
        return (line, epoch, it, per_epoch, fnum(t), fnum(d), None if mem is None else int(mem) / 1024,
                min(state[0], glob))

    class WindowSource:
        """The chunks of ``src``, noting the config dump's ``window_size=`` on the way."""
        def __init__(self):
            self.path = src.path

        @property
        def chunk_lines(self):
            return src.chunk_lines

        def chunks(self):
            for chunk in src.chunks():
                if fp.find(chunk[0], WINDOW) >= 0:
                    found = _WINDOW_RE.findall(chunk[0])
                    if found:
                        state[0] = int(found[-1])
                        col.window = state[0]
                yield chunk

    core.scan_regex(WindowSource(), col, TEXT_RE, BANNER, convert, (TEXT_FAST,))


# the same layouts for the C fast path (parsers/fastpath.py). Text: Epoch(train) records only
# (an Iter(train) or other "(train)" occurrence leaves the chunk to TEXT_RE). JSON: train steps
# (with an "iter" key); the position is the step.
TEXT_FAST = fp.Program(TEXT_MARK, (
    fp.before(b"Epoch"), fp.spaces(), fp.lit(b"["), fp.spaces(), fp.integer(fp.EPOCH), fp.lit(b"]["), fp.spaces(),
    fp.integer(fp.ITER), fp.lit(b"/"), fp.integer(fp.N), fp.lit(b"]"), fp.seek(b" time: "),
    fp.number(fp.TIME, b" "), fp.maybe(b"data_time: ", spaces=True), fp.skip_to(b" "),
    fp.maybe(b"memory: ", spaces=True), fp.integer(fp.MEM)), mem_scale=1 / 1024)
JSON_FAST = fp.Program(JSON_MARK, (
    fp.integer(fp.ITER, b",}"), fp.key(b'"time": '), fp.number(fp.TIME, b",}"), fp.key(b'"iter": '),
    fp.key(b'"memory": ', optional=True), fp.integer(fp.MEM, b",}")),
    cr_ends=False, mem_scale=1 / 1024, n_is_iter=True, every_line=True)


def scan_json(src: core.Source, col: core.Collector) -> None:
    acc = col.sink()
    for buf, first, has_cr in src.chunks():
        if acc.cur is not None and not acc.keep_records and \
                core.bulk_lines(buf, first, acc, (JSON_FAST,), has_cr):
            continue
        for k, l in core.json_lines(buf, has_cr):
            line = first + k
            if JSON_MARK in l:
                t = core.json_field(l, b'"time": ')
                it = core.json_field(l, b'"iter": ')
                if t is None or it is None:
                    acc.n_other += 1
                else:
                    try:
                        step = int(core.json_field(l, JSON_MARK))
                        ep = core.json_field(l, b'"epoch": ')
                        if ep is not None:
                            int(ep)            # a record with a garbled epoch is not counted
                    except (TypeError, ValueError):
                        col.warn(f"line {line}: train record without a whole step/epoch: not counted")
                        continue
                    dt = core.json_field(l, b'"data_time": ')
                    mem = core.json_field(l, b'"memory": ')
                    # step is the global iteration: the record's position in its run (Record.epoch
                    # stays None so that iter = step reads as a position, as for iteration loops)
                    acc.record(line, None, step, None, core.fnum(t),
                               None if dt is None else core.fnum(dt),
                               None if mem is None else core.fnum(mem) / 1024, min(DEFAULT_WINDOW, step))


def sniff_text(head: bytes) -> int:
    if b"Epoch(train)" in head or b"Iter(train)" in head:
        return 10
    return 6 if b" - mmengine - " in head else 0


def sniff_json(head: bytes) -> int:
    return 10 if head.lstrip()[:1] == b"{" and JSON_MARK in head and b'"time": ' in head else 0


TEXT = core.Format(
    name="mmengine-text", time_field="time",
    time_meaning="mean wall time (data + step) of the last `window_size` iterations (mmengine LogProcessor, "
                 "default 10), whatever the log interval; consecutive records may overlap",
    marker=TEXT_MARK, sniff=sniff_text, scan=scan_text,
    expects="`Epoch(train) [E][I/N] ... time: T ...` or `Iter(train) [I/N] ... time: T ...` lines (mmengine)")
JSON = core.Format(
    name="mmengine-json", time_field="time",
    time_meaning="mean wall time (data + step) of the last `window_size` iterations (mmengine LogProcessor, "
                 "default 10), whatever the log interval; consecutive records may overlap",
    marker=JSON_MARK, sniff=sniff_json, scan=scan_json, json_lines=True,
    expects='scalars.json lines with "time", "iter" and "step" (mmengine)')
