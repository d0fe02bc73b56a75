"""BSN (TEM and PEM stages): ``python -m parsers.bsn PROBE_DIR``.

Why: BSN prints per-epoch losses only (``Epoch-3 Train Loss: ...``), no time per iteration.
Given that output the parser says so and points to the probe; given the probe's records of a
BSN stage (one directory per stage, see docs/DESIGN.md section 3) it reads them
(``parsers.probe``: each process is a run, ``dt`` is one step's time).
"""
import sys

from parsers import localization


def is_native_output(head: bytes) -> bool:
    return b"Train Loss: Action - " in head or (b"Epoch-" in head and b"Train Loss:" in head)


PARSER = localization.ProbeOnlyParser("bsn", is_native_output, __doc__)
FRAMEWORK, analyse, main = PARSER.framework, PARSER.analyse, PARSER.main
no_timing_message = PARSER.no_timing_message


if __name__ == "__main__":
    sys.exit(main())
