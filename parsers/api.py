"""Which framework and format a log is, and the Python API built on that.

Why apart from ``core``: ``core`` knows nothing about particular frameworks; this module finds
a framework's parser module (the frameworks themselves are declared in ``parsers.frameworks``),
holds the detection used by ``python -m parsers LOG`` and ``summarize(path, framework=None)``,
and the "this is another framework's log" error. Framework modules are imported lazily, so
reading one format imports only what it needs.
"""
from __future__ import annotations

import importlib
import os

from parsers import core, frameworks
from parsers.core import LogError, ParsedLog
from parsers.frameworks import FRAMEWORKS

PROBE = "probe"   # the timing probe's records: a parser (parsers.probe), not a framework
_DETECT_ORDER = frameworks.DETECT_ORDER + (PROBE,)
# parser modules with their own ``analyse`` (probe records, not one log format)
_OWN_ANALYSE = frameworks.PROBE_ONLY + (PROBE,)
HEAD = 1 << 21   # how much of a file detection reads (records can follow long config dumps)


def _module(name: str):
    return importlib.import_module(frameworks.BY_NAME[name].parser if name != PROBE else "parsers.probe")


def framework(name: str) -> core.Framework:
    if name not in frameworks.BY_NAME and name != PROBE:
        raise LogError(f"unknown framework {name!r}; one of: {', '.join(FRAMEWORKS)}")
    return _module(name).FRAMEWORK


def _best(fw: core.Framework, head: bytes):
    scored = [(f.sniff(head), k, f) for k, f in enumerate(fw.formats)]
    score, _, fmt = max(scored, key=lambda x: (x[0], -x[1]))
    return score, fmt


def detect(path: str, head: bytes | None = None):
    """(Framework, Format) of a log, or LogError saying it is none of the known ones."""
    if os.path.isdir(path):
        from parsers import probe
        if probe.probe_files(path):
            return probe.FRAMEWORK, probe.FORMAT
    head = head if head is not None else core.read_head(path, HEAD)
    best = (0, None, None)
    for name in _DETECT_ORDER:
        fw = framework(name)
        score, fmt = _best(fw, head)
        if score > best[0]:
            best = (score, fw, fmt)
    if best[1] is None:
        for name in frameworks.PROBE_ONLY:
            native = _module(name)
            if native.is_native_output(head):
                raise LogError(native.no_timing_message(path))
        raise LogError(f"{path}: not a training log vidbench knows (no record of "
                       f"{', '.join(FRAMEWORKS)} in its first {len(head) >> 20 or 1} MiB); "
                       "name the framework: python -m parsers.<framework> LOG")
    return best[1], best[2]


def analyse(path: str, framework_name: str | None = None, skip: int = core.DEFAULT_SKIP,
            keep_records: bool = False, trace: bool = False) -> ParsedLog:
    """Parse ``path`` (framework detected when None); raises LogError for unreadable input.
    ``trace``: ``ParsedLog.series`` holds every record's (position, time) per run."""
    if framework_name in _OWN_ANALYSE:
        return framework(framework_name).analyse(path, skip, keep_records, trace=trace)
    if framework_name is None:
        fw, fmt = detect(path)
        if fw.name == PROBE:
            return fw.analyse(path, skip, keep_records, trace=trace)
        return core.run_format(path, fw, fmt, skip, keep_records, trace=trace)
    fw = framework(framework_name)
    head = core.read_head(path, HEAD)
    score, fmt = _best(fw, head)
    if score == 0:
        try:
            other, ofmt = detect(path, head)
        except LogError:
            other = None
        if other is not None and other.name != fw.name:
            raise LogError(f"{path}: this is a {other.title} log ({ofmt.name}), not {fw.title}; "
                           f"use python -m parsers.{other.name} {path}")
    return core.run_format(path, fw, fmt, skip, keep_records, trace=trace)


def summarize(path, framework: str | None = None, skip: int = core.DEFAULT_SKIP) -> dict:
    """The ``--json`` object of one log (docs/DESIGN.md section 1); LogError for bad input."""
    p = analyse(os.fspath(path), framework, skip)
    core.require_figures(p)
    return core.summary_dict(p)


def parse(path, framework: str | None = None, skip: int = core.DEFAULT_SKIP) -> ParsedLog:
    """Every train record of a log (``ParsedLog.records``, list of ``Record``) and its figures.

    Unlike ``summarize`` this does not refuse a log whose records all fall in the warm-up
    (``require_figures`` does that); it still raises LogError for unreadable input.
    """
    return analyse(os.fspath(path), framework, skip, keep_records=True)


def read(path, framework: str | None = None, skip: int = core.DEFAULT_SKIP, trace: bool = False) -> ParsedLog:
    """One reading of a log for everything a sweep needs of it (``collect``, the plots): the
    figures (``summary()``), the kept times (``.times``) and, with ``trace``, every record's
    position and time per run (``.series``, warm-up included), through the fast path where a
    chunk allows. Raises LogError for bad input and for a log that supports no figure."""
    p = analyse(os.fspath(path), framework, skip, trace=trace)
    core.require_figures(p)
    return p


def framework_main(fw: core.Framework, argv=None) -> int:
    doc = _module(fw.name).__doc__ or ""
    return core.main(f"python -m parsers.{fw.name}", doc,
                     lambda path, skip, keep: analyse(path, fw.name, skip, keep), argv)
