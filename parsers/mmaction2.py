"""MMAction2 training logs: ``python -m parsers.mmaction2 LOG``.

Why: MMAction2 has logged through two libraries. 0.x (the benchmark's own era) uses mmcv's
``TextLoggerHook``: a text ``{timestamp}.log`` and ``{timestamp}.log.json`` (see
``parsers.mmcv_logs``: one record's ``time`` is the mean of the last log-interval iterations).
1.x uses mmengine: a text log and ``vis_data/scalars.json`` (see ``parsers.mmengine_logs``: one
record's ``time`` is the mean of the last ``window_size`` iterations, default 10, whatever the
log interval). The format is recognised from the file; the summary names it and says what one
record's time stands for.
"""
import sys

from parsers import core, frameworks, mmcv_logs, mmengine_logs

PREFIX = b" - mmaction - "


def sniff_mmcv_text(head: bytes) -> int:
    if PREFIX in head and (mmcv_logs.TEXT_MARK in head or mmcv_logs.TEXT_BANNER in head):
        return 10
    return 0


INFO = frameworks.BY_NAME["mmaction2"]
FRAMEWORK = core.Framework(name=INFO.name, title=INFO.title, formats=[
    mmcv_logs.text_format(sniff_mmcv_text), mmcv_logs.json_format(), mmengine_logs.TEXT, mmengine_logs.JSON])


def main(argv=None) -> int:
    from parsers import api
    return api.framework_main(FRAMEWORK, argv)


if __name__ == "__main__":
    sys.exit(main())
