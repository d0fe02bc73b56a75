"""BMN: ``python -m parsers.bmn PROBE_DIR``.

Why: BMN prints per-epoch losses only (``BMN training loss(epoch 3): ...``), no time per iteration.
Given that output the parser says so and points to the probe; given the probe's records of a
BMN training it reads them
(``parsers.probe``: each process is a run, ``dt`` is one step's time).
"""
import sys

from parsers import localization


def is_native_output(head: bytes) -> bool:
    return b"BMN training loss(epoch " in head


PARSER = localization.ProbeOnlyParser("bmn", is_native_output, __doc__)
FRAMEWORK, analyse, main = PARSER.framework, PARSER.analyse, PARSER.main
no_timing_message = PARSER.no_timing_message


if __name__ == "__main__":
    sys.exit(main())
