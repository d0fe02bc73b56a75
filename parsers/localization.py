"""What BSN and BMN share: their own output has no per-iteration time, so the probe's counts.

Why: BSN (TensorFlow 1.x, Python 2) prints one loss line per epoch (``Epoch-3 Train Loss: ...``)
and BMN (PyTorch) prints ``BMN training loss(epoch 3): ...``. Neither says how long an iteration
took, so no figure can come from their logs. Handed such a log, the parser says so and points
to the timing probe; handed probe records (a probe directory or one of its ``.jsonl`` files),
it reads them through ``parsers.probe`` under the framework's own name.

One implementation, two thin entry modules: ``parsers.bsn`` and ``parsers.bmn`` each give only
what tells their framework's own output apart (``is_native_output``) and their docstring (their
``--help``); ``ProbeOnlyParser`` makes the rest (``FRAMEWORK``, ``analyse``, the CLI).
"""
import os

from parsers import core, frameworks, probe


class ProbeOnlyParser:
    """The parser of a framework whose figures come from the probe alone (``probe_only`` in
    ``parsers.frameworks``): its ``core.Framework``, ``analyse``, the message for its own
    output, and ``python -m parsers.<name>``."""

    def __init__(self, name: str, is_native_output, doc: str):
        info = frameworks.BY_NAME[name]
        self.is_native_output = is_native_output
        self.doc = doc
        self.framework = core.Framework(name=info.name, title=info.title, formats=[probe.FORMAT],
                                        no_timing="prints per-epoch losses only")
        self.framework.analyse = self.analyse

    def no_timing_message(self, path: str) -> str:
        return no_timing_message(self.framework.title, path)

    def analyse(self, path, skip=core.DEFAULT_SKIP, keep_records=False, trace=False):
        return analyse(self.framework, path, skip, keep_records, trace)

    def main(self, argv=None) -> int:
        return core.main(f"python -m parsers.{self.framework.name}", self.doc,
                         lambda p, s, k: self.analyse(p, s, k), argv)


def is_probe(path: str) -> bool:
    if os.path.isdir(path):
        return bool(probe.probe_files(path))
    try:
        with open(path, "rb") as fh:
            return bool(probe.sniff(fh.read(4096)))
    except OSError:
        return False


def no_timing_message(title: str, path: str) -> str:
    return (f"{path}: {title}'s own output has no per-iteration timing (only per-epoch losses), so it gives no "
            f"s/iter figure; run the training under the timing probe (python -m orchestrator probe --out DIR "
            f"-- COMMAND) and parse DIR: python -m parsers.{title.lower()} DIR")


def analyse(fw: core.Framework, path: str, skip: int, keep_records: bool,
            trace: bool = False) -> core.ParsedLog:
    if is_probe(path):
        return probe.analyse(path, skip, keep_records, framework=fw, trace=trace)
    if os.path.isdir(path):
        raise core.LogError(f"{path}: a directory without probe-*.jsonl files; give the probe directory "
                            f"(python -m orchestrator probe --out DIR -- COMMAND)")
    head = core.read_head(path, 1 << 20)
    from parsers import api
    try:
        other, ofmt = api.detect(path, head)
    except core.LogError:
        other = None
    if other is not None and other.name != "probe":
        raise core.LogError(f"{path}: this is a {other.title} log ({ofmt.name}), not {fw.title}; "
                            f"use python -m parsers.{other.name} {path}")
    raise core.LogError(no_timing_message(fw.title, path))
