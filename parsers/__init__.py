"""vidbench parsers: every framework's training log becomes the benchmark's figures.

``python -m parsers.<framework> LOG`` (mmaction2, mmaction, tsm, pyslowfast, bsn, bmn) or
``python -m parsers LOG`` (detects the framework). Python API (docs/DESIGN.md section 1)::

    from parsers import summarize, parse, LogError
    summarize(path, framework=None, skip=50) -> dict     # the --json object; LogError for bad input
    parse(path, framework=None, skip=50) -> ParsedLog    # .records: list[Record], .summary()
    read(path, framework=None, skip=50, trace=False) -> ParsedLog   # one fast reading: .summary(),
        # .times (kept), .series (trace: per run, every record's positions and times); LogError

The rules (runs, warm-up, mean, memory) live once in ``parsers.core``; each framework module
knows only its log format(s).
"""
from parsers.core import LogError, ParsedLog, Record, RECORD_COLUMNS  # noqa: F401
from parsers.api import FRAMEWORKS, detect, parse, read, summarize  # noqa: F401
