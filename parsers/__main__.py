"""``python -m parsers LOG``: detect each log's framework and format, then parse it.

Why: users often hold a log without knowing which era or format it is; detection reads the
first 2 MiB and picks the framework whose record markers it finds (JSON Lines probe files and
probe directories included). Same output and exit codes as ``python -m parsers.<framework>``.
"""
import sys

from parsers import api, core


def main(argv=None) -> int:
    return core.main("python -m parsers", __doc__,
                     lambda path, skip, keep: api.analyse(path, None, skip, keep), argv)


if __name__ == "__main__":
    sys.exit(main())
