"""Per-job iteration-time plots for the HTML report (matplotlib, Agg backend, PNG bytes).

A mean hides what a plot shows at once: a warm-up longer than 50 iterations, a slow
data loader every N iterations, a resumed run. Each plot draws the framework's own record
times and the timing probe's per-iteration times against the iteration number, with the
skipped warm-up shaded. The records come from the parsers (the same code that made the
figure), never from a second reading of the log.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence

import parsers
from orchestrator.sweep.sweepdir import JobDir
from parsers.frameworks import PROBE_ONLY, parser_of


@dataclass
class Series:
    label: str
    x: List[float]       # iteration position in its run (1-based)
    y: List[float]       # seconds per iteration
    style: str = "-"


def _records(path: Path, framework: str):
    """Per run, the (position, seconds) of every train record the parser reads (warm-up
    included), or None. Positions come from the parsers' one reading (``parsers.read(...,
    trace=True)``), which places each record in its run by DEFINITIONS.md: the rule lives there."""
    try:
        parsed = parsers.read(str(path), framework=framework, skip=0, trace=True)
    except Exception:  # no parser, or a log that cannot be read: no plot; the figure says why
        return None
    return [list(zip(positions, times)) for positions, times in parsed.series]


def series_for(log_path: Path, framework: str, job: str, csv_dir: Path,
               stage: str = "") -> List[Series]:
    """The framework's records and the probe's iterations of one job stage. ``framework`` is
    the column (e.g. ``mmaction2-now``); its log is read by the column's parser."""
    out: List[Series] = []
    log_path = Path(log_path)
    parser = parser_of(framework)
    sources = [(log_path, parser, f"{framework} log", "o-")]
    job_dir = JobDir.containing(log_path)
    if job_dir is not None and parser not in PROBE_ONLY:  # theirs *is* the probe
        sources.append((job_dir.probe_dir(stage), "probe", "timing probe", "-"))
    for path, fw, label, style in sources:
        if not path.exists():
            continue
        runs = _records(path, fw) or []
        for k, points in enumerate(runs, 1):
            name = label + (f", run {k}" if len(runs) > 1 else "")
            out.append(Series(name, [p for p, _ in points], [t for _, t in points], style))
    return out


def iteration_plot(series: Sequence[Series], title: str, skip: int = 50,
                   width: float = 6.4, height: float = 3.2) -> bytes:
    """PNG of iteration time against iteration number; iterations <= ``skip`` shaded."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    if skip > 0:
        ax.axvspan(0, skip + 0.5, color="#f2c14e", alpha=0.25, lw=0,
                   label=f"warm-up (first {skip}, skipped)")
    for s in series:
        ax.plot(s.x, s.y, s.style, ms=3, lw=1, label=s.label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("s / iteration")
    ax.set_title(title, fontsize=9)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


#: One colour per framework column, in column order (the screenshot test looks for them).
CHART_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


def _row_label(row) -> str:
    words = [row.model] + [w for w in (row.input, row.io_backend) if w]
    if row.batch_per_gpu is not None and row.gpus is not None:
        words.append(f"{row.batch_per_gpu}x{row.gpus}")
    return "\n".join(words)


def table_chart(table, width: float = 9.0, height: float = 3.6) -> Optional[bytes]:
    """PNG of one comparison table at a glance: per row, each framework's s/iter as a bar
    with its 95 % confidence interval, side by side (bold rows' winner drawn solid, others
    hatched when the row's difference is not significant). None for a table with no
    measured figure."""
    frameworks = [fw for fw in table.frameworks
                  if any(fw in r.figures and r.figures[fw].value is not None for r in table.rows)]
    rows = [r for r in table.rows
            if any(r.figures.get(fw) is not None and r.figures[fw].value is not None
                   for fw in frameworks)]
    if not rows:
        return None
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from orchestrator.results.tables import APPROX_MARK

    fig = Figure(figsize=(max(width, 1.6 * len(rows) + 2), height), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    n = len(frameworks)
    bar = 0.8 / n
    for k, fw in enumerate(frameworks):
        xs, ys, lo, hi, hatch = [], [], [], [], []
        for i, r in enumerate(rows):
            c = r.figures.get(fw)
            if c is None or c.value is None:
                continue
            xs.append(i - 0.4 + bar * (k + 0.5))
            ys.append(c.value)
            low, high = c.ci if c.ci else (c.value, c.value)
            lo.append(max(0.0, c.value - low))
            hi.append(max(0.0, high - c.value))
            hatch.append(APPROX_MARK in c.marks)
        colour = CHART_COLOURS[k % len(CHART_COLOURS)]
        label = (getattr(table, "titles", None) or {}).get(fw, fw)
        bars = ax.bar(xs, ys, bar * 0.95, color=colour, label=label,
                      yerr=[lo, hi], capsize=3, error_kw={"lw": 1, "ecolor": "#222222"})
        for b, h in zip(bars, hatch):
            if h:
                b.set_hatch("//")
                b.set_edgecolor("white")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([_row_label(r) for r in rows], fontsize=7)
    ax.set_ylabel("s / iteration (95% CI)")
    ax.set_title(table.title, fontsize=10)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
