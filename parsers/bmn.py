"""BMN: ``python -m parsers.bmn PROBE_DIR``.

Why: BMN prints per-epoch losses only (``BMN training loss(epoch 3): ...``), no time per iteration.
Given that output the parser says so and points to the probe; given the probe's records of a
BMN training it reads them
(``parsers.probe``: each process is a run, ``dt`` is one step's time).
"""
import sys

from parsers import core, localization, probe

FRAMEWORK = core.Framework(name="bmn", title="BMN", formats=[probe.FORMAT],
                           no_timing="prints per-epoch losses only")


def is_native_output(head: bytes) -> bool:
    return b"BMN training loss(epoch " in head


def no_timing_message(path: str) -> str:
    return localization.no_timing_message("BMN", path)


def analyse(path, skip=core.DEFAULT_SKIP, keep_records=False, trace=False):
    return localization.analyse(FRAMEWORK, path, skip, keep_records, trace)


FRAMEWORK.analyse = analyse


def main(argv=None) -> int:
    return core.main("python -m parsers.bmn", __doc__, lambda p, s, k: analyse(p, s, k), argv)


if __name__ == "__main__":
    sys.exit(main())
