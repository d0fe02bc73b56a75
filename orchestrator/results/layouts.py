"""The comparison tables' layouts, declared once: each table's label columns, the figure columns
every framework gets, its titles in both languages, and whether it is a demo table.

Why one place: adding a table used to touch the spec's valid table names, the report's table
order, the titles among the headings in ``orchestrator.results.tables`` and an if/else on the table's
name inside ``build_table``. Now a table is its layout here and its spec (``jobs/<name>.yaml``);
``orchestrator.spec`` (which tables a spec may name), ``orchestrator.results.report`` (their order) and
``orchestrator.results.tables`` (the columns, headings and title) derive from it. Pure data.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Dict, Mapping, Tuple

#: Label columns a table may have, left to right (keys of ``orchestrator.results.tables.TEXT``).
LABEL_COLUMNS = ("model", "input", "io_backend", "batch")
#: Figure columns, per framework (``TEXT`` keys too): the framework's own s/iter, its GPU
#: memory, and the timing probe's s/iter and peak RSS (CPU memory).
FIGURE_COLUMNS = ("s_per_iter", "mem_gb", "probe_s_per_iter", "probe_rss_gb")


@dataclass(frozen=True)
class TableLayout:
    """How one table is laid out (docs/DESIGN.md section 6)."""

    name: str                       # the spec's ``table:`` and the CSV's ``table`` column
    titles: Mapping[str, str]       # language -> the table's title
    labels: Tuple[str, ...]         # its label columns (LABEL_COLUMNS), "model" first
    figures: Tuple[str, ...]        # each framework's columns (FIGURE_COLUMNS), s/iter first
    # a demo table (trainings on this machine, not one of the page's): a column that no row
    # fills is left out (no GPU memory on the CPU, no probe), and the spec's own title heads
    # the English table
    demo: bool = False
    # the model column's heading in every language ("": the language's own): the page's
    # localization table keeps an English "Model" in its Chinese version too
    model_heading: str = ""
    # its spec may add framework columns beyond parsers.frameworks, named ``<parser>-<suffix>``
    # (the demo's MMAction2 1.2.0, ``mmaction2-now``)
    extra_frameworks: bool = False

    def __post_init__(self):
        if not self.labels or self.labels[0] != "model" or not set(self.labels) <= set(LABEL_COLUMNS):
            raise ValueError(f"table {self.name}: labels {self.labels} must start with 'model' "
                             f"and be of {LABEL_COLUMNS}")
        if not self.figures or self.figures[0] != "s_per_iter" or not set(self.figures) <= set(FIGURE_COLUMNS):
            raise ValueError(f"table {self.name}: figures {self.figures} must start with "
                             f"'s_per_iter' and be of {FIGURE_COLUMNS}")


_PAGE_LABELS = LABEL_COLUMNS
_MODEL_ONLY = ("model",)

#: Every table, in the order a report shows them.
LAYOUTS: Dict[str, TableLayout] = {layout.name: layout for layout in (
    TableLayout("recognition", {"en": "Action recognizers", "zh": "行为识别器"},
                labels=_PAGE_LABELS, figures=("s_per_iter", "mem_gb")),
    TableLayout("localization", {"en": "Temporal action localizers", "zh": "时序动作检测器"},
                labels=_MODEL_ONLY, figures=("s_per_iter",), model_heading="Model"),
    TableLayout("demo", {"en": "Demo: CPU trainings on this machine", "zh": "演示：本机 CPU 训练"},
                labels=_PAGE_LABELS, figures=("s_per_iter", "probe_s_per_iter", "mem_gb", "probe_rss_gb"),
                demo=True, extra_frameworks=True),
    # the localization table in miniature: the page's layout, plus the probe's s/iter and RSS
    TableLayout("demo-localization",
                {"en": "Demo: temporal action localizers, CPU trainings on this machine",
                 "zh": "演示：时序动作检测器，本机 CPU 训练"},
                labels=_MODEL_ONLY, figures=("s_per_iter", "probe_s_per_iter", "probe_rss_gb"),
                demo=True, model_heading="Model"),
    # MMAction2 "then and now" (jobs/demo-now.yaml, `make demo DEMO_FULL=1`): the pinned fd993ca
    # beside today's 1.2.0, an extra column of the same parser family
    TableLayout("demo-now",
                {"en": "Demo: MMAction2 then (fd993ca) and now (1.2.0), CPU trainings on this machine",
                 "zh": "演示：MMAction2 当年 (fd993ca) 与现在 (1.2.0)，本机 CPU 训练"},
                labels=_PAGE_LABELS, figures=("s_per_iter", "probe_s_per_iter", "mem_gb", "probe_rss_gb"),
                demo=True, extra_frameworks=True),
)}
TABLES = tuple(LAYOUTS)


def layout_of(name: str) -> TableLayout:
    """The layout of table ``name``. A table no layout declares (a CSV's own, with no spec) is
    laid out as a demo table, the localization one where its name ends in "localization",
    titled by its name."""
    layout = LAYOUTS.get(name)
    if layout is not None:
        return layout
    like = LAYOUTS["demo-localization" if name.endswith("localization") else "demo"]
    return dataclasses.replace(like, name=name, titles={}, extra_frameworks=False)
