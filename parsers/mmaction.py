"""MMAction (v1, open-mmlab/mmaction) training logs: ``python -m parsers.mmaction LOG``.

Why: MMAction v1 trains through mmcv 0.x, whose text log is the mmcv format that MMAction2 0.x
also writes (``parsers.mmcv_logs``), with the root logger's prefix ``... - INFO - `` instead of
``- mmaction - INFO -``. A record ``Epoch [E][I/N]\\tlr: ..., time: T, data_time: D,
memory: M, ...``: ``time`` is the mean of the last log-interval iterations; ``memory`` is MiB.
A ``Start running, host:`` line starts a run. A log with MMAction2's logger prefix is refused
with a pointer to ``parsers.mmaction2`` (the results table must name the right framework).
"""
import sys

from parsers import core, frameworks, mmcv_logs


def sniff_text(head: bytes) -> int:
    if b" - mmaction - " in head:
        return 0
    if b" - INFO - " in head and (mmcv_logs.TEXT_MARK in head or mmcv_logs.TEXT_BANNER in head):
        return 9
    return 0


def sniff_json(head: bytes) -> int:
    return 5 if mmcv_logs.sniff_json(head) else 0   # same JSON as MMAction2 0.x, which detection prefers


INFO = frameworks.BY_NAME["mmaction"]
FRAMEWORK = core.Framework(name=INFO.name, title=INFO.title, formats=[
    mmcv_logs.text_format(sniff_text), mmcv_logs.json_format(sniff_json)])


def main(argv=None) -> int:
    from parsers import api
    return api.framework_main(FRAMEWORK, argv)


if __name__ == "__main__":
    sys.exit(main())
