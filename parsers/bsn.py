"""BSN (TEM and PEM stages): ``python -m parsers.bsn PROBE_DIR``.

Why: BSN prints per-epoch losses only (``Epoch-3 Train Loss: ...``), no time per iteration.
Given that output the parser says so and points to the probe; given the probe's records of a
BSN stage (one directory per stage, see docs/DESIGN.md section 3) it reads them
(``parsers.probe``: each process is a run, ``dt`` is one step's time).
"""
import sys

from parsers import core, localization, probe

FRAMEWORK = core.Framework(name="bsn", title="BSN", formats=[probe.FORMAT],
                           no_timing="prints per-epoch losses only")


def is_native_output(head: bytes) -> bool:
    return b"Train Loss: Action - " in head or (b"Epoch-" in head and b"Train Loss:" in head)


def no_timing_message(path: str) -> str:
    return localization.no_timing_message("BSN", path)


def analyse(path, skip=core.DEFAULT_SKIP, keep_records=False, trace=False):
    return localization.analyse(FRAMEWORK, path, skip, keep_records, trace)


FRAMEWORK.analyse = analyse


def main(argv=None) -> int:
    return core.main("python -m parsers.bsn", __doc__, lambda p, s, k: analyse(p, s, k), argv)


if __name__ == "__main__":
    sys.exit(main())
