"""The frameworks vidbench benchmarks, declared once: everything else derives from this list.

Why one list: a framework used to be named in seven places (the spec's valid names, the
parsers' registry and detection order, the table's column titles, collect's and the plots'
"its timing is the probe's" rule); adding one meant finding them all. Now adding a framework
is its parser module (``parsers/<name>.py``), its entry here, its environment recipe
(``envs/recipes/<recipe>.yaml``) and its spec cells.

Why in ``parsers`` and pure data: both sides read it, the parsers (which import nothing of the
orchestrator) and the orchestrator (spec validation, tables, collect, plots); importing it
imports no parser module (the CLI of one framework loads only its own). Plain classes, no
``dataclasses``, for the parsers' start-up time (see ``parsers.core``).
"""
from __future__ import annotations


class FrameworkInfo:
    """One framework, as each part of vidbench needs to know it."""
    __slots__ = ("name",         # parser module name, spec column name, CSV `framework`
                 "title",        # as people write it: the parsers' messages ("a PySlowFast log")
                 "page_title",   # the benchmark page's column title (tables without a spec label)
                 "parser",       # the module that reads its logs: ``python -m parsers.<name>``
                 "formats",      # the log formats that module reads (core.Format names)
                 "probe_only",   # its own output has no per-iteration time: the probe's records
                                 # are its figure (collect reads the probe folder first; no
                                 # second "probe" series in its plots)
                 "detect_rank",  # place in ``python -m parsers LOG`` detection (a tie goes to
                                 # the lower); None: never detected from a log of its own
                 "recipe",       # its era environment: envs/recipes/<recipe>.yaml
                 "setup")        # the cluster setup script a spec names (envs/<name>.sh)

    def __init__(self, name: str, title: str, page_title: str, formats: tuple,
                 recipe: str, probe_only: bool = False, detect_rank: int | None = None):
        self.name, self.title, self.page_title = name, title, page_title
        self.parser = f"parsers.{name}"
        self.formats, self.probe_only, self.detect_rank = formats, probe_only, detect_rank
        self.recipe, self.setup = recipe, f"envs/{name}.sh"

    def __repr__(self) -> str:
        return f"FrameworkInfo({self.name!r})"


#: In the page's column order (the order of a table's columns when no spec gives them).
REGISTRY = (
    FrameworkInfo("mmaction2", "MMAction2", "MMAction2",
                  ("mmcv-text", "mmcv-json", "mmengine-text", "mmengine-json"),
                  recipe="mmaction2-fd993ca", detect_rank=1),
    FrameworkInfo("mmaction", "MMAction", "MMAction", ("mmcv-text", "mmcv-json"),
                  recipe="mmaction-7f3490d", detect_rank=2),
    FrameworkInfo("tsm", "Temporal-Shift-Module (TSM)", "Temporal-Shift-Module",
                  ("tsm-stdout", "tsm-log.csv"), recipe="tsm-8d53d6f", detect_rank=3),
    FrameworkInfo("pyslowfast", "PySlowFast", "PySlowFast", ("json_stats",),
                  recipe="pyslowfast-8299c98", detect_rank=0),
    FrameworkInfo("bsn", "BSN", "BSN(boundary sensitive network)", ("probe-jsonl",),
                  recipe="bsn-f13707f", probe_only=True),
    FrameworkInfo("bmn", "BMN", "BMN(boundary matching network)", ("probe-jsonl",),
                  recipe="bmn-45d0514", probe_only=True),
)

BY_NAME = {fw.name: fw for fw in REGISTRY}
FRAMEWORKS = tuple(BY_NAME)
#: no per-iteration timing in their own logs: the probe's records are their figures
PROBE_ONLY = tuple(fw.name for fw in REGISTRY if fw.probe_only)
#: frameworks whose own logs detection recognises, in the order that breaks a tie
DETECT_ORDER = tuple(fw.name for fw in sorted((f for f in REGISTRY if f.detect_rank is not None),
                                              key=lambda f: f.detect_rank))
#: the page's column titles, in the page's order
PAGE_TITLES = {fw.name: fw.page_title for fw in REGISTRY}


def parser_of(column: str) -> str:
    """The parser module of a framework column: its name, or for an extra column of a demo spec
    named ``<parser>-<suffix>`` (e.g. ``mmaction2-now``: today's MMAction2 beside the page's
    commit, the same log format family) the part before the first ``-``."""
    return column if column in BY_NAME else column.split("-", 1)[0]

