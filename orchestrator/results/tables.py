"""The comparison tables as data: unified-CSV rows + a sweep spec -> a table model to render.

This is the one place that decides what a cell of the published tables shows: the figure (mean
over repeats), `x` (the spec says the framework cannot run that model), `TODO` (planned, not
measured), a job status (measured but failed), the fastest s/iter of a row in bold where Welch's
test says it is faster than the next beyond noise (`≈` where it is not), BSN's two stages as
`TEM + PEM`, marks for unstable figures, CPU compatibility mode and published figures, the
warnings grouped by reason, and the comparison with the page's published figures. It is pure (no file access): `orchestrator.results.report` reads
the CSV and the specs and hands them here; the Jinja templates only lay the model out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from orchestrator.results import layouts, stats
from orchestrator.results.results_csv import (FIGURE_STATUSES, KNOWN_STATUSES, Result,
                                              TableInputError, canonical)
from parsers.frameworks import PAGE_TITLES

#: The frameworks (parser module names), in the page's column order, with the page's titles.
FRAMEWORK_TITLES = PAGE_TITLES
#: The page's labels; CSV values are matched to them without regard to case.
PAGE_MODELS = ("TSN", "I3D heavy", "I3D", "TSM", "Slowonly", "Slowfast", "R(2+1)D", "BSN", "BMN")
PAGE_INPUTS = ("256p rawframes", "256p videos", "256p dense-encoded video")
PAGE_IO_BACKENDS = ("Memcached", "Disk")
STAGE_ORDER = ("TEM", "PEM", "PGM")

UNSTABLE_MARK = "†"
APPROX_MARK = "≈"          # the fastest and the next of a row differ by less than the noise
COMPAT_MARK = "‡"
PROBE_MARK = "ᵖ"
PUBLISHED_MARK = "§"       # a figure copied from the page (status PUBLISHED), not measured
COMPAT_LABEL = "CPU compatibility mode"
MARK_ORDER = [APPROX_MARK, UNSTABLE_MARK, COMPAT_MARK, PROBE_MARK, PUBLISHED_MARK]


def drop_duplicates(results: Sequence[Result], source: str) -> Tuple[List[Result], List[str]]:
    """The CSV's rows, one per (cell, framework, stage, repeat), and what was left out.

    Two rows of the same job, repeat and stage are never averaged (they are not repeats: two
    collects of one sweep appended, or two sweeps merged): an exact copy is counted once with a
    warning; two different figures are a TableInputError naming both rows.
    """
    first: Dict[tuple, Result] = {}
    out: List[Result] = []
    warnings: List[str] = []
    for r in results:
        key = (r.table, _row_key(r.model, r.input, r.io_backend, r.batch_per_gpu, r.gpus),
               r.framework, r.stage, r.repeat)
        seen = first.get(key)
        if seen is None:
            first[key] = r
            out.append(r)
            continue
        what = (f"{r.job or r.framework}, repeat {r.repeat}"
                + (f", stage {r.stage}" if r.stage else ""))
        if r.raw == seen.raw:
            warnings.append(f"{source}: row {r.line} repeats row {seen.line} exactly ({what}): "
                            f"counted once")
            continue
        raise TableInputError(
            f"{source}: row {r.line}: {what} is already row {seen.line} (s_per_iter "
            f"{seen.s_text or 'empty'} there, {r.s_text or 'empty'} here): one row per job, "
            f"repeat and stage; repeats need their own repeat number (--repeats N)")
    return out, warnings


# --------------------------------------------------------------------------- numbers

def display_number(value, digits: int = 3) -> str:
    """A figure as people read it: as written when it has at most ``digits`` significant
    digits (``0.32``, ``0.040``, ``3.30`` stay), else rounded to ``digits`` significant digits
    (``0.318472`` -> ``0.318``). Never adds precision that the figure does not have."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value.strip()
        try:
            d = Decimal(text)
        except InvalidOperation:
            return text
        if not d.is_finite() or d == 0 or _sig_digits(d) <= digits:
            return text
    else:
        d = Decimal(repr(float(value)))
        if not d.is_finite():
            return str(value)
        if d == 0:
            return "0"
        if _sig_digits(d.normalize()) <= digits:
            return format(d.normalize(), "f")
    exponent = min(d.adjusted() - digits + 1, 0)   # never round away whole units
    return format(d.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP), "f")


def _sig_digits(d: Decimal) -> int:
    """Significant digits of a decimal as written (``0.040`` -> 2, ``3.30`` -> 3)."""
    digits = d.as_tuple().digits
    i = 0
    while i < len(digits) - 1 and digits[i] == 0:
        i += 1
    return len(digits) - i


# --------------------------------------------------------------------------- the table model

@dataclass
class Part:
    """One stage of a figure (BSN: TEM, PEM), or the whole figure (stage "")."""

    stage: str
    text: str
    link: str = ""


@dataclass
class Cell:
    """One cell of a rendered table."""

    kind: str                     # label | figure | x | todo | status | empty
    text: str = ""                # plain text (no markup)
    link: str = ""                # label cells: where the label links to
    link_text: str = ""           # label cells: the words linked after the label ("" : the label)
    parts: List[Part] = field(default_factory=list)
    bold: bool = False
    marks: List[str] = field(default_factory=list)
    value: Optional[float] = None
    notes: List[str] = field(default_factory=list)
    results: List[Result] = field(default_factory=list)
    framework: str = ""
    column: str = ""              # s_per_iter | mem_gb | probe_s_per_iter | probe_rss_gb | label
    published: Optional[float] = None
    published_text: str = ""
    ratio: Optional[float] = None
    repeats: Optional[stats.RepeatSummary] = None
    published_only: bool = False  # every figure of the cell is a PUBLISHED row (the page's)
    #: per stage, the samples a test of this cell uses: the repeats' means (two or more
    #: repeats), and the per-iteration times of every repeat pooled (None where unknown)
    repeat_samples: Optional[List[stats.Sample]] = None
    iteration_samples: Optional[List[stats.Sample]] = None
    ci: Optional[Tuple[float, float]] = None     # 95 % CI of the figure (repeats, else iterations)
    significance_note: str = ""   # the row's Welch test, on the fastest cell

    @property
    def plain(self) -> str:
        """The cell as plain text, marks included (what the CSV format writes)."""
        return self.text + "".join(self.marks)


@dataclass
class Row:
    model: str
    input: str
    io_backend: str
    batch_per_gpu: Optional[int]
    gpus: Optional[int]
    cells: List[Cell]
    figures: Dict[str, Cell]                 # framework -> its s/iter cell
    in_spec: bool = True
    measured_order: List[str] = field(default_factory=list)
    published_order: List[str] = field(default_factory=list)
    significance: Optional["Significance"] = None

    @property
    def ranking_matches(self) -> Optional[bool]:
        if len(self.measured_order) < 2:
            return None
        return self.measured_order == self.published_order


@dataclass
class Table:
    name: str
    title: str
    header: List[str]
    align: List[str]                          # "left" | "center" per column
    rows: List[Row]
    frameworks: List[str]
    footnotes: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    titles: Dict[str, str] = field(default_factory=dict)   # framework -> column title

    def figure_cells(self) -> List[Cell]:
        return [c for r in self.rows for c in r.figures.values()]

    def warning_groups(self) -> List["WarningGroup"]:
        """Every note of a marked or failed cell once, grouped by its reason, in the order
        the reasons first appear (what a reader scans for: why is this figure flagged?)."""
        groups: Dict[str, WarningGroup] = {}
        for r in self.rows:
            for c in r.cells:
                if not (c.marks or c.kind == "status"):
                    continue
                for note in c.notes:
                    g = groups.setdefault(reason_of(note), WarningGroup(reason_of(note)))
                    if note not in g.items:
                        g.items.append(note)
        return list(groups.values())


@dataclass
class WarningGroup:
    reason: str
    items: List[str] = field(default_factory=list)


#: (words in a note, the reason it is grouped under), first match wins
REASONS = (
    ("the standard deviation", "spread: the standard deviation is 10% of the mean or more "
                               "(pyperf's rule)"),
    ("the minimum (", "outlier: the minimum or the maximum is 50% away from the mean or more "
                      "(pyperf's rule)"),
    ("the maximum (", "outlier: the minimum or the maximum is 50% away from the mean or more "
                      "(pyperf's rule)"),
    ("too few repeats", "precision: the 95% CI of the mean of the repeats is wider than +-1% "
                        "(pyperf's rule, between runs)"),
    ("no spread can be computed", "no spread: fewer than two iterations measured"),
    ("nothing to average", "no spread: fewer than two iterations measured"),
    (COMPAT_LABEL, COMPAT_LABEL + ": figures of the CPU, not of the published GPU setting"),
    ("left out of the mean", "a repeat without a figure (left out of the mean)"),
    ("cannot run", "the framework cannot run this model (x)"),
)


def reason_of(note: str) -> str:
    for words, reason in REASONS:
        if words in note:
            return reason
    for status in KNOWN_STATUSES:
        if f": {status}" in note:
            return f"no figure: {status}"
    return "other"


@dataclass
class Significance:
    """Is the fastest framework of a row faster than the next beyond noise? (pyperf's
    ``compare_to`` question, answered with Welch's t-test.)"""

    fastest: str
    runner_up: str
    unit: str                       # "repeats" | "iterations" | "" (not tested)
    test: Optional[stats.Welch]

    @property
    def verdict(self) -> str:
        if self.test is None:
            return "not tested"
        return "significant" if self.test.significant else "not significant"

    def describe(self) -> str:
        if self.test is None:
            return (f"{self.fastest} vs {self.runner_up}: not tested (no per-iteration spread "
                    f"in the CSV for one of them)")
        return f"{self.fastest} vs {self.runner_up}, on the {self.unit}: {self.test.describe()}"


TEXT = {
    "en": {
        "model": "Model", "input": "Input", "io_backend": "IO backend",
        "batch": "Batch size x GPUs", "s_per_iter": "{fw} (s/iter)",
        "mem_gb": "GPU memory (GB)", "probe_s_per_iter": "{fw} probe (s/iter)",
        "probe_rss_gb": "{fw} peak RSS, CPU (GB)",
        "unstable": "unstable (pyperf's rules): do not publish", "compat": COMPAT_LABEL,
        "significance": "bold: the fastest of the row, faster than the next beyond noise "
                        "(Welch's t-test, 95 %, on the repeats' means where both have several, "
                        "else on the per-iteration times); " + APPROX_MARK + ": the fastest and "
                        "the next differ by less than the noise",
        "as_published": "bold: the fastest of the row, as published",
        "untested": "neither bold nor " + APPROX_MARK + ": not tested (the CSV has no "
                    "per-iteration spread for the fastest or the next)",
        "probe_mem": "GPU memory from the timing probe (the log has none)",
        "extra_row": "measured, but not a cell of the spec",
        "published": "a published figure (status PUBLISHED), not measured: never compared",
    },
    "zh": {
        "model": "模型", "input": "输入", "io_backend": "IO 后端",
        "batch": "批大小 x GPU 数量", "s_per_iter": "{fw} (s/iter)",
        "mem_gb": "GPU 显存占用 (GB)", "probe_s_per_iter": "{fw} 探针 (s/iter)",
        "probe_rss_gb": "{fw} CPU 峰值内存 RSS (GB)",
        "unstable": "不稳定（pyperf 规则）：不宜发布", "compat": COMPAT_LABEL + "（CPU 兼容模式）",
        "significance": "粗体：该行最快，且快于次快者超出噪声（Welch t 检验，95%）；"
                        + APPROX_MARK + "：最快与次快之差小于噪声",
        "as_published": "粗体：该行最快（按已发布数字）",
        "untested": "既无粗体也无 " + APPROX_MARK + "：未检验（CSV 中缺少逐迭代的离散度）",
        "probe_mem": "GPU 显存来自计时探针（日志中没有）",
        "extra_row": "已测量，但不在规格中",
        "published": "已发布的数字（PUBLISHED），非测量值：不参与比较",
    },
}


def framework_title(fw: str, spec=None) -> str:
    """The column title: the spec's ``label`` of the framework, else the page's title."""
    declared = spec.frameworks.get(fw) if spec is not None else None
    label = declared.label if declared is not None else None
    return label or FRAMEWORK_TITLES.get(fw) or fw


def _stage_key(stage: str):
    return (STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER), stage)


def _row_key(model, inp, io, batch, gpus):
    return (str(model).casefold(), str(inp or "").casefold(), str(io or "").casefold(),
            batch if batch is not None else None, gpus if gpus is not None else None)


def _spec_cells(spec) -> list:
    return list(spec.cells) if spec is not None else []


def _spec_frameworks(spec, table: str) -> List[str]:
    names: List[str] = list(spec.frameworks) if spec is not None else []
    for cell in _spec_cells(spec):
        for fw in cell.entries:
            if fw not in names:
                names.append(fw)
    return names


# ---------- published figures: from the spec entries, or from a CSV of status PUBLISHED

@dataclass
class Published:
    s_per_iter: Optional[float] = None        # total over stages
    mem_gb: Optional[float] = None
    parts: Dict[str, float] = field(default_factory=dict)


def published_from_entry(published) -> Optional[Published]:
    """Read ``entry.published`` as the spec gives it: ``{"s_per_iter": 0.32, "mem_gb": 8.1}``,
    or per stage (``{"TEM": {"s_per_iter": 0.074}, "PEM": {...}}``)."""
    if not published:
        return None
    s, mem = published.get("s_per_iter"), published.get("mem_gb")
    parts: Dict[str, float] = {}
    for k, v in published.items():
        if isinstance(v, dict):
            parts[k] = float(v["s_per_iter"])
            if v.get("mem_gb") is not None:
                mem = max(float(v["mem_gb"]), mem or 0.0)
    if parts:
        return Published(math.fsum(parts.values()), float(mem) if mem is not None else None, parts)
    if s is None:
        return None
    return Published(float(s), float(mem) if mem is not None else None, {})


def published_from_results(results: Sequence[Result]) -> Dict[tuple, Published]:
    """Published figures keyed by (row key, framework), from rows of a published CSV."""
    out: Dict[tuple, Published] = {}
    for r in results:
        if r.s_per_iter is None:
            continue
        key = (_row_key(r.model, r.input, r.io_backend, r.batch_per_gpu, r.gpus), r.framework)
        p = out.setdefault(key, Published())
        if r.stage:
            p.parts[r.stage] = r.s_per_iter
            p.s_per_iter = math.fsum(p.parts.values())
        else:
            p.s_per_iter = r.s_per_iter
        if r.mem_gb is not None:
            p.mem_gb = max(r.mem_gb, p.mem_gb or 0.0)
    return out


# ---------- cells

def _value(r: Result, column: str) -> Optional[float]:
    if column == "probe_rss_gb":
        return r.probe_rss_gb
    return getattr(r, column)


def _mean_over_repeats(results: Sequence[Result], column: str
                       ) -> Tuple[Optional[float], str, Optional[stats.RepeatSummary]]:
    """Figure of ``column`` over repeats: (value, display text, repeat summary). One repeat
    shows the CSV's own text (rounded to 3 significant digits where it has more)."""
    vals = [(_value(r, column), r) for r in results]
    vals = [(v, r) for v, r in vals if v is not None]
    if not vals:
        return None, "", None
    summary = stats.over_repeats([v for v, _ in vals])
    if len(vals) == 1:
        v, r = vals[0]
        return v, display_number(r.get(column).strip() or v), summary
    return summary.mean, display_number(summary.mean), summary


def _iteration_sample(r: Result) -> Optional[stats.Sample]:
    """The per-iteration sample of one row (``sample_*`` columns, else the figure's own n and
    mean) with its stdev; None where the CSV does not carry a spread."""
    n = _optional_int(r.get("sample_n")) or r.n_used
    mean = _optional_float(r.get("sample_mean"))
    mean = mean if mean is not None else r.s_per_iter
    if n is None or mean is None or r.stdev is None:
        return None
    return stats.Sample(n, mean, r.stdev)


def _optional_int(text: str) -> Optional[int]:
    text = (text or "").strip()
    return int(text) if text else None


def _optional_float(text: str) -> Optional[float]:
    text = (text or "").strip()
    return float(text) if text else None


def _figure_cell(fw: str, by_stage: Dict[str, List[Result]], lang: str) -> Cell:
    """The s/iter cell of one framework in one row, from its results grouped by stage."""
    stages = sorted(by_stage, key=_stage_key)
    cell = Cell(kind="figure", framework=fw, column="s_per_iter")
    parts: List[Part] = []
    total = 0.0
    complete = True
    repeat_samples: List[stats.Sample] = []
    iteration_samples: List[stats.Sample] = []
    for stage in stages:
        results = sorted(by_stage[stage], key=lambda r: r.repeat)
        cell.results.extend(results)
        done = [r for r in results if r.has_figure]
        failed = [r for r in results if not r.has_figure]
        on = f" {stage}" if stage else ""
        if not done:
            complete = False
            status = failed[0].status if failed else "TODO"
            parts.append(Part(stage, status if status != "TODO" else "TODO",
                              failed[0].get("log_path") if failed else ""))
            for r in failed:
                reason = r.get("reason") or "; ".join(r.warnings)
                cell.notes.append(f"{r.job or fw}{on}: {r.status}"
                                  + (f": {reason}" if reason else ""))
            continue
        value, text, summary = _mean_over_repeats(done, "s_per_iter")
        total += value
        parts.append(Part(stage, text, done[0].get("log_path")))
        if summary and len(done) > 1:
            cell.repeats = summary
            repeat_samples.append(stats.Sample.of([r.s_per_iter for r in done]))
            for w in summary.warnings:
                cell.notes.append(f"{fw}{on}: between repeats: {w}")
            if summary.unstable:
                cell.marks.append(UNSTABLE_MARK)
        samples = [_iteration_sample(r) for r in done]
        if all(x is not None for x in samples):
            iteration_samples.append(stats.pool(samples))
        for r in failed:
            cell.notes.append(f"{r.job or fw}{on}: repeat {r.repeat} {r.status}"
                              + (f": {r.get('reason')}" if r.get("reason") else "")
                              + " (left out of the mean)")
        for r in done:
            if r.unstable:
                cell.marks.append(UNSTABLE_MARK)
                for w in r.warnings:
                    if w.startswith("unstable:"):
                        cell.notes.append(f"{r.job or fw}{on}: {w[len('unstable:'):].strip()}")
            if r.compat_mode:
                cell.marks.append(COMPAT_MARK)
                cell.notes.append(f"{r.job or fw}{on}: {COMPAT_LABEL} ({r.compat_mode})")
    cell.marks = sorted(set(cell.marks), key=MARK_ORDER.index)
    cell.parts = parts
    if not any(r.has_figure for r in cell.results):
        first = parts[0].text if parts else "TODO"
        cell.kind = "todo" if first == "TODO" else "status"
    cell.value = total if complete and cell.kind == "figure" else None
    cell.text = "+".join(p.text + (f"({p.stage})" if p.stage else "") for p in parts)
    figures = [r for r in cell.results if r.has_figure]
    cell.published_only = bool(figures) and all(r.status == "PUBLISHED" for r in figures)
    if cell.value is not None:
        if len(repeat_samples) == len(stages):
            cell.repeat_samples = repeat_samples
        if len(iteration_samples) == len(stages):
            cell.iteration_samples = iteration_samples
        best = cell.repeat_samples or cell.iteration_samples
        cell.ci = stats.sum_interval(best) if best else None
    return cell


def row_significance(figures: Dict[str, Cell]) -> Optional[Significance]:
    """Welch's test of the row's fastest measured figure against the next: on the repeats'
    means where both have two or more repeats (pyperf's runs), else on their per-iteration
    times; None for a row with fewer than two measured figures."""
    measured = [c for c in figures.values()
                if c.kind == "figure" and c.value is not None and not c.published_only]
    if len(measured) < 2:
        return None
    a, b = sorted(measured, key=lambda c: (c.value, c.framework))[:2]
    if a.repeat_samples and b.repeat_samples:
        unit, sa, sb = "repeats", a.repeat_samples, b.repeat_samples
    elif a.iteration_samples and b.iteration_samples:
        unit, sa, sb = "iterations", a.iteration_samples, b.iteration_samples
    else:
        return Significance(a.framework, b.framework, "", None)
    test = stats.welch_sum(sa, sb)
    return Significance(a.framework, b.framework, unit if test else "", test)


def _simple_cell(fw: str, column: str, by_stage: Dict[str, List[Result]],
                 fallback: str = "") -> Cell:
    """A memory or probe cell: mean over repeats per stage; max over stages. ``fallback``:
    the column to show (marked) where ``column`` is empty, e.g. the probe's GPU memory."""
    cell = Cell(kind="empty", framework=fw, column=column)
    best: Optional[float] = None
    text = ""
    stages: List[Part] = []
    for stage in sorted(by_stage, key=_stage_key):
        done = [r for r in by_stage[stage] if r.status in FIGURE_STATUSES]
        value, t, _ = _mean_over_repeats(done, column)
        mark = []
        if value is None and fallback:
            value, t, _ = _mean_over_repeats(done, fallback)
            mark = [PROBE_MARK] if value is not None else []
        if column == "probe_s_per_iter" and stage and value is not None:
            # a staged job (BSN: TEM, PEM): the probe's s/iter per stage, summed as the page
            # sums the framework's figure (never the slower stage alone)
            stages.append(Part(stage, t, ""))
            cell.results = cell.results + done
            best = value if best is None else best + value
            continue
        if value is not None and (best is None or value > best):
            best, text = value, t
            cell.marks = list(mark)
            cell.results = done
    if stages:
        text = "+".join(f"{p.text}({p.stage})" for p in stages)
    if best is not None:
        cell.kind, cell.value, cell.text = "figure", best, text
        cell.parts = [Part("", text, "")]   # the page links only the s/iter figure to its log
        if any(r.compat_mode for r in cell.results):
            cell.marks.append(COMPAT_MARK)
    return cell


def _entry_status(entry) -> str:
    return (entry.status if entry is not None else "run").lower()


def _label_cell(text: str, link: str = "", link_text: str = "") -> Cell:
    return Cell(kind="label", text=text, link=link, link_text=link_text, column="label")


def build_table(name: str, results: Sequence[Result], spec=None, lang: str = "en",
                published: Optional[Dict[tuple, Published]] = None) -> Table:
    """The table ``name`` ("recognition", "localization", "demo", ...) from its results.

    ``spec`` (an ``orchestrator.spec`` Spec) gives the rows in page order, the frameworks in
    column order, `x` and `TODO`; without it the rows and columns come from the results alone.
    ``published`` overrides the spec entries' published figures (keyed as
    :func:`published_from_results` returns them). The columns, headings and title are the
    table's layout (``orchestrator.results.layouts``); each step below is one function.
    """
    layout = layouts.layout_of(name)
    text = TEXT[lang]
    results = [r for r in results if r.table == name]
    frameworks = _table_frameworks(results, spec, name)
    warnings: List[str] = []
    # a table of the page's own figures only (status PUBLISHED) is laid out as the page does
    page_mode = not any(r.has_figure and r.status != "PUBLISHED" for r in results)
    by_key = _results_by_row(results)
    rows = [_build_row(key, src, in_spec, frameworks, by_key.get(key, {}), layout, lang,
                       published, page_mode, warnings)
            for key, src, in_spec in _row_definitions(results, spec, name, warnings)]
    columns = [(fw, c) for fw in frameworks for c in layout.figures]
    columns = _drop_unfilled_columns(rows, columns, layout)
    header = _header(layout, text, columns, spec)
    return Table(name=name, title=_title(layout, lang, spec), header=header,
                 align=["left"] + ["center"] * (len(header) - 1), rows=rows,
                 frameworks=frameworks, footnotes=_footnotes(rows, page_mode, text),
                 warnings=warnings, titles={fw: framework_title(fw, spec) for fw in frameworks})


def _table_frameworks(results: Sequence[Result], spec, name: str) -> List[str]:
    """The framework columns: the spec's in its order, then any other the results name (in
    the page's order where there is no spec)."""
    frameworks = _spec_frameworks(spec, name) if spec is not None else []
    for r in results:
        if r.framework not in frameworks:
            frameworks.append(r.framework)
    if spec is None:
        order = list(FRAMEWORK_TITLES)
        frameworks.sort(key=lambda f: (order.index(f) if f in order else len(order), f))
    return frameworks


def _row_definitions(results: Sequence[Result], spec, name: str,
                     warnings: List[str]) -> List[tuple]:
    """``(row key, source, in_spec)`` per row: the spec's cells in page order, then measured
    rows the spec does not have (their first result is their source), each with a warning."""
    row_defs = []
    seen = set()
    for c in _spec_cells(spec):
        key = _row_key(c.model, c.input, c.io_backend, c.batch_per_gpu, c.gpus)
        seen.add(key)
        row_defs.append((key, c, True))
    for r in results:
        key = _row_key(r.model, r.input, r.io_backend, r.batch_per_gpu, r.gpus)
        if key not in seen:
            seen.add(key)
            row_defs.append((key, r, False))
            if spec is not None:
                warnings.append(f"row {r.line}: {r.model} / {r.input} / {r.io_backend} / "
                                f"{r.batch_per_gpu}x{r.gpus} is not a cell of the {name} spec; "
                                f"shown after the spec's rows")
    return row_defs


def _results_by_row(results: Sequence[Result]) -> Dict[tuple, Dict[str, Dict[str, List[Result]]]]:
    """row key -> framework -> stage -> its results (one per repeat)."""
    by_key: Dict[tuple, Dict[str, Dict[str, List[Result]]]] = {}
    for r in results:
        key = _row_key(r.model, r.input, r.io_backend, r.batch_per_gpu, r.gpus)
        by_key.setdefault(key, {}).setdefault(r.framework, {}).setdefault(r.stage, []).append(r)
    return by_key


def _build_row(key: tuple, src, in_spec: bool, frameworks: List[str],
               measured: Dict[str, Dict[str, List[Result]]], layout: layouts.TableLayout,
               lang: str, published: Optional[Dict[tuple, Published]], page_mode: bool,
               warnings: List[str]) -> Row:
    """One row: its label cells, then each framework's cells (in ``layout.figures`` order),
    with the published figures, ratios and the marks of its fastest figure."""
    entries = src.entries if in_spec else {}
    cells = _label_cells(src, in_spec, layout)
    fw_cells: Dict[str, Dict[str, Cell]] = {}
    figures: Dict[str, Cell] = {}
    for fw in frameworks:
        fw_cells[fw] = _framework_cells(fw, entries, in_spec, measured.get(fw, {}), src, layout,
                                        lang, warnings)
        figures[fw] = fw_cells[fw]["s_per_iter"]
    _attach_published(figures, key, entries, in_spec, published, src, layout.name, warnings)
    significance = _mark_fastest(figures, page_mode)
    both = [fw for fw, c in figures.items() if c.value is not None and c.published is not None]
    row = Row(model=src.model, input=src.input or "", io_backend=src.io_backend or "",
              batch_per_gpu=src.batch_per_gpu, gpus=src.gpus,
              cells=cells, figures=figures, in_spec=in_spec,
              measured_order=sorted(both, key=lambda f: (figures[f].value, f)),
              published_order=sorted(both, key=lambda f: (figures[f].published, f)),
              significance=significance)
    for fw in frameworks:
        for c in layout.figures:
            row.cells.append(fw_cells[fw][c])
    return row


def _label_cells(src, in_spec: bool, layout: layouts.TableLayout) -> List[Cell]:
    """The row's label cells, ``layout.labels`` left to right: the model (linked to its
    config where the spec links it), the input, the IO backend, batch x GPUs."""
    link = (src.link or "") if in_spec else ""
    link_text = (src.link_text or "") if in_spec else ""
    batch, gpus = src.batch_per_gpu, src.gpus
    values = {"input": src.input or "", "io_backend": src.io_backend or "",
              "batch": f"{batch}x{gpus}" if batch is not None and gpus is not None else ""}
    return [_label_cell(src.model, link, link_text)
            if column == "model" else _label_cell(values[column]) for column in layout.labels]


def _framework_cells(fw: str, entries, in_spec: bool, by_stage: Dict[str, List[Result]], src,
                     layout: layouts.TableLayout, lang: str, warnings: List[str]) -> Dict[str, Cell]:
    """One framework's cells of a row, by column: `x` where the spec says it cannot run the
    model, `TODO` where nothing was measured, else its figures (every column of
    FIGURE_COLUMNS; the layout picks its own)."""
    status = _entry_status(entries.get(fw)) if in_spec else "run"
    if in_spec and fw not in entries:
        status = "unsupported"
    if status == "unsupported":
        reason = entries[fw].reason if fw in entries else ""
        x = Cell(kind="x", text="x", framework=fw, column="s_per_iter",
                 notes=[f"{fw}: cannot run {src.model}" + (f": {reason}" if reason else "")])
        if by_stage:
            warnings.append(f"{layout.name}: {src.model} / {src.input}: the spec "
                            f"marks {fw} `x`, but the CSV has a figure for it; shown as x")
        return {c: (x if c == "s_per_iter" else Cell(kind="x", text="x", framework=fw, column=c))
                for c in layout.figures}
    if not by_stage:
        return {c: Cell(kind="todo", text="TODO", framework=fw, column=c) for c in layout.figures}
    fig = _figure_cell(fw, by_stage, lang)
    mem = _simple_cell(fw, "mem_gb", by_stage, fallback="probe_mem_gb")
    if fig.kind in ("todo", "status"):
        mem = Cell(kind=fig.kind, text=fig.text, framework=fw, column="mem_gb")
    return {
        "s_per_iter": fig,
        "mem_gb": mem,
        "probe_s_per_iter": _simple_cell(fw, "probe_s_per_iter", by_stage),
        "probe_rss_gb": _simple_cell(fw, "probe_rss_gb", by_stage),
    }


def _attach_published(figures: Dict[str, Cell], key: tuple, entries, in_spec: bool,
                      published: Optional[Dict[tuple, Published]], src, name: str,
                      warnings: List[str]) -> None:
    """Each s/iter cell's published figure (``published``, else the spec entry's) and the
    ratio of the measured figure to it."""
    for fw, fig in figures.items():
        pub = None
        if published is not None:
            pub = published.get((key, fw))
        elif in_spec and fw in entries:
            pub = published_from_entry(entries[fw].published)
        if pub is not None and pub.s_per_iter is not None:
            fig.published = pub.s_per_iter
            fig.published_text = "+".join(f"{display_number(v)}({k})"
                                          for k, v in sorted(pub.parts.items(),
                                                             key=lambda kv: _stage_key(kv[0]))) \
                if pub.parts else display_number(pub.s_per_iter)
            if fig.value is not None and math.isfinite(pub.s_per_iter) and pub.s_per_iter > 0:
                fig.ratio = fig.value / pub.s_per_iter
            elif fig.value is not None:
                warnings.append(f"{name}: {src.model} / {src.input}: {fw}'s "
                                f"published s/iter is {pub.s_per_iter!r}: no ratio")


def _mark_fastest(figures: Dict[str, Cell], page_mode: bool) -> Optional[Significance]:
    """The fastest in bold: as the page does for its own figures; for measured figures only
    where Welch's test says it is faster than the next beyond noise (else both `≈`); the
    page's figures in a table of measured ones marked `§` and unlinked. Returns the row's
    test (None in page mode or with fewer than two measured figures)."""
    if page_mode:
        values = [c.value for c in figures.values()
                  if c.kind == "figure" and c.value is not None]
        for c in figures.values():
            if values and c.value is not None and c.value <= min(values) * (1 + 1e-9):
                c.bold = True
        return None
    significance = row_significance(figures)
    if significance is not None and significance.test is not None:
        fastest, runner_up = figures[significance.fastest], figures[significance.runner_up]
        fastest.significance_note = significance.describe()
        if significance.test.significant:
            fastest.bold = True
        else:
            for c in (fastest, runner_up):
                c.marks = sorted(set(c.marks) | {APPROX_MARK}, key=MARK_ORDER.index)
    elif significance is not None:
        figures[significance.fastest].significance_note = significance.describe()
    for c in figures.values():
        if c.published_only:   # the page's figure in a table of measured ones
            c.marks = sorted(set(c.marks) | {PUBLISHED_MARK}, key=MARK_ORDER.index)
            for part in c.parts:
                part.link = ""
    return significance


def _drop_unfilled_columns(rows: List[Row], columns: List[Tuple[str, str]],
                           layout: layouts.TableLayout) -> List[Tuple[str, str]]:
    """A demo table leaves out each (framework, column) that no row fills (no probe, no GPU
    memory on the CPU); its s/iter columns stay. Returns the columns kept."""
    n_labels = len(layout.labels)
    keep = [not layout.demo or c == "s_per_iter"
            or any(r.cells[n_labels + i].kind == "figure" for r in rows)
            for i, (_, c) in enumerate(columns)]
    for r in rows:
        fixed, rest = r.cells[:n_labels], r.cells[n_labels:]
        r.cells = fixed + [cell for cell, k in zip(rest, keep) if k]
    return [col for col, k in zip(columns, keep) if k]


def _header(layout: layouts.TableLayout, text: Dict[str, str], columns: List[Tuple[str, str]],
            spec) -> List[str]:
    """The label columns' headings, then one per (framework, column) kept."""
    header = [(layout.model_heading or text["model"]) if c == "model" else text[c]
              for c in layout.labels]
    for fw, c in columns:
        title = framework_title(fw, spec)
        header.append(text[c].format(fw=title) if "{fw}" in text[c] else text[c])
    return header


def _footnotes(rows: List[Row], page_mode: bool, text: Dict[str, str]) -> List[str]:
    """The rule of the bold figures, then one line per mark the table uses."""
    marks = {m for r in rows for c in r.cells for m in c.marks}
    footnotes = []
    if page_mode and any(c.bold for r in rows for c in r.cells):
        footnotes.append(text["as_published"])
    elif any(r.significance is not None for r in rows):
        footnotes.append(text["significance"])
        if any(r.significance is not None and r.significance.test is None for r in rows):
            footnotes.append(text["untested"])
    if UNSTABLE_MARK in marks:
        footnotes.append(f"{UNSTABLE_MARK} {text['unstable']}")
    if COMPAT_MARK in marks:
        footnotes.append(f"{COMPAT_MARK} {text['compat']}")
    if PROBE_MARK in marks:
        footnotes.append(f"{PROBE_MARK} {text['probe_mem']}")
    if PUBLISHED_MARK in marks:
        footnotes.append(f"{PUBLISHED_MARK} {text['published']}")
    return footnotes


def _title(layout: layouts.TableLayout, lang: str, spec) -> str:
    """The layout's title in ``lang``; a demo table's English title is its spec's own."""
    if layout.demo and lang == "en" and spec is not None and spec.title:
        return spec.title
    return layout.titles.get(lang) or layout.name


def known_frameworks(specs: Iterable = ()) -> List[str]:
    names = list(FRAMEWORK_TITLES)
    for spec in specs:
        for fw in _spec_frameworks(spec, spec.table):
            if fw not in names:
                names.append(fw)
    return names


def known_labels(specs: Iterable = ()) -> Tuple[List[str], List[str], List[str]]:
    """Models, inputs and IO backends that a CSV may name: the page's and the specs'."""
    models, inputs, ios = list(PAGE_MODELS), list(PAGE_INPUTS), list(PAGE_IO_BACKENDS)
    for spec in specs:
        for c in _spec_cells(spec):
            for lst, value in ((models, c.model), (inputs, c.input), (ios, c.io_backend)):
                if value and canonical(value, lst) is None:
                    lst.append(value)
    return models, inputs, ios


def comparison(tables: Sequence[Table]) -> List[dict]:
    """Per measured cell with a published figure: measured, published, ratio; per row the
    ranking check. Plain dicts, for the HTML report and the CSV output."""
    out = []
    for table in tables:
        for row in table.rows:
            for fw, c in row.figures.items():
                if c.published is None and c.value is None:
                    continue
                out.append({
                    "table": table.name, "model": row.model, "input": row.input,
                    "io_backend": row.io_backend,
                    "batch": f"{row.batch_per_gpu}x{row.gpus}" if row.gpus is not None else "",
                    "framework": fw, "measured": c.text if c.value is not None else "",
                    "published": c.published_text,
                    "ratio": f"{c.ratio:.2f}" if c.ratio is not None else "",
                    "ranking_matches": row.ranking_matches,
                })
    return out
