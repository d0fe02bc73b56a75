"""``python -m orchestrator report results.csv [--format md|html|csv] [--lang en|zh] [-o DIR]``.

Reads the unified CSV (written by ``collect``, or by hand, as the page's own figures in
tests/results/), finds the sweep spec of each table (``--spec``, the CSV's ``spec`` column, or
``jobs/<table>.yaml``), builds the table model (orchestrator.results.tables) and lays it out with the
Jinja templates in ``templates/``: Markdown (stdout by default), an HTML report (one chart per
table, the tables with their warnings grouped by reason, comparison with the page's published
figures, provenance, per-job iteration-time plots) or the tables as CSV. Every value is escaped
for its format and only http(s) and relative links are written (docs/DESIGN.md section 6).
Bad input is one line naming the file and row, exit 1.
"""
from __future__ import annotations

import base64
import html
import os
import re
import sys
from urllib.parse import quote, urlsplit
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from orchestrator.results import layouts
from orchestrator.results import tables as T
from orchestrator.errors import UserError
from orchestrator.fileio import atomic_write_text, sha256_of
from orchestrator.results.results_csv import parse_results, read_csv_rows

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
JOBS = ROOT / "jobs"
TABLE_ORDER = layouts.TABLES    # the declared tables in their order; any other after them
FORMATS = {"md": "tables.md.j2", "html": "report.html.j2", "csv": "tables.csv.j2"}
OUTPUT_NAMES = {"md": "results.md", "html": "report.html", "csv": "tables.csv"}


# --------------------------------------------------------------------------- reading


def _load_spec(path: Path):
    from orchestrator.spec.load import load_spec
    return load_spec(str(path))


def find_specs(table_names: Sequence[str], rows, csv_path: Path,
               spec_args: Sequence[str] = ()) -> Dict[str, object]:
    """The spec of each table: --spec files, the CSV's `spec` column, jobs/<table>.yaml."""
    specs: Dict[str, object] = {}
    for arg in spec_args:
        p = Path(arg)
        if not p.is_file():
            raise UserError(f"{arg}: no such spec file (--spec)")
        spec = _load_spec(p)
        specs[spec.table] = spec
    for name in table_names:
        if name in specs:
            continue
        candidates = []
        for _, row in rows:
            if (row.get("table") or "").strip().lower() == name and row.get("spec"):
                candidates.append(row["spec"].strip())
                break
        candidates.append(str(JOBS / f"{name}.yaml"))
        for c in candidates:
            p = Path(c)
            for q in (p, csv_path.parent / p, ROOT / p):
                if q.is_file():
                    spec = _load_spec(q)
                    if getattr(spec, "table", name) != name:
                        line = next((n for n, row in rows
                                     if (row.get("table") or "").strip().lower() == name), 1)
                        raise T.TableInputError(
                            f"{csv_path}: row {line}: table {name!r}, but its spec {c} is the "
                            f"spec of table {spec.table!r}: an unknown table (fix the `table` "
                            f"or the `spec` column)")
                    specs[name] = spec
                    break
            if name in specs:
                break
    return specs


@dataclass
class Report:
    """Everything a template needs."""

    tables: List[T.Table]
    results: List[T.Result]
    source: str
    lang: str
    comparison: List[dict]
    warnings: List[str] = field(default_factory=list)
    plots: List[dict] = field(default_factory=list)
    published_source: str = ""
    charts: Dict[str, str] = field(default_factory=dict)   # table name -> PNG, base64


def build_report(csv_path, lang: str = "en", spec_args: Sequence[str] = (),
                 compare: Optional[str] = None, only_tables: Sequence[str] = ()) -> Report:
    csv_path = Path(csv_path)
    _, raw = read_csv_rows(csv_path)
    if not raw:
        raise T.TableInputError(f"{csv_path}: row 2: no rows, only the header (did the sweep "
                                f"run? `python -m orchestrator status SWEEP_DIR`)")
    names = []
    for _, row in raw:
        name = (row.get("table") or "").strip().lower()
        if name and name not in names:
            names.append(name)
    for line, row in raw:
        if not (row.get("table") or "").strip():
            raise T.TableInputError(f"{csv_path}: row {line}: empty table name "
                                    f"(recognition, localization, demo, ...)")
    specs = find_specs(names, raw, csv_path, spec_args)
    models, inputs, ios = T.known_labels(specs.values())
    results = parse_results(raw, str(csv_path), T.known_frameworks(specs.values()), models,
                              inputs, ios)
    results, duplicates = T.drop_duplicates(results, str(csv_path))
    published = None
    published_source = "spec"
    if compare:
        _, praw = read_csv_rows(Path(compare))
        published = T.published_from_results(
            parse_results(praw, compare, T.known_frameworks(specs.values()), models, inputs, ios))
        published_source = compare
    order = [n for n in TABLE_ORDER if n in names] + sorted(n for n in names
                                                             if n not in TABLE_ORDER)
    if only_tables:
        unknown = [n for n in only_tables if n.strip().lower() not in order]
        if unknown:
            raise T.TableInputError(f"{csv_path}: no table {unknown[0]!r} in this CSV "
                                    f"(it has: {', '.join(order)})")
        wanted = [n.strip().lower() for n in only_tables]
        order = [n for n in order if n in wanted]
    built = [T.build_table(n, results, specs.get(n), lang, published) for n in order]
    warnings = duplicates + [f"{csv_path}: {w}" for t in built for w in t.warnings]
    for n in order:
        if n not in specs:
            warnings.append(f"{csv_path}: no spec for table {n!r} (jobs/{n}.yaml or --spec): "
                            f"rows and columns come from the CSV alone, without x/TODO")
    return Report(tables=built, results=results, source=str(csv_path), lang=lang,
                  comparison=T.comparison(built), warnings=warnings,
                  published_source=published_source)


# --------------------------------------------------------------------------- rendering


#: Link schemes a report may contain; every other (javascript:, data:, file:, vbscript:, ...)
#: is written as plain text, never as a link. Paths without a scheme are relative links.
SAFE_SCHEMES = ("http", "https")
_URL_SAFE = ":/?#@!$&'*+,;=%~"     # kept as they are in an http(s) link; spaces and ( ) encoded


def safe_url(link: str) -> Optional[str]:
    """``link`` if it is an http(s) URL (percent-encoded where Markdown would break), "" for
    a relative path (the caller rebases it), None for anything else."""
    if not link:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in link):
        return None        # browsers drop tabs and newlines inside a scheme: "java\nscript:"
    scheme = urlsplit(link.strip()).scheme.lower()
    if scheme in SAFE_SCHEMES:
        return quote(link.strip(), safe=_URL_SAFE)
    if scheme:
        return None
    return ""


def _link_target(link: str, csv_dir: Path, base: Optional[Path]) -> str:
    """A log link as the reader of the output can follow it: an http(s) URL as it is, a path
    relative to the output's folder (docs/DESIGN.md: ``log_path`` is relative to the CSV's
    folder), percent-encoded so that spaces render; "" (no link) for any other scheme."""
    url = safe_url(link)
    if url is None:
        return ""
    if url:
        return url
    p = Path(link)
    p = p if p.is_absolute() else csv_dir / p
    base = base if base is not None else Path.cwd()
    try:
        rel = os.path.relpath(os.path.abspath(p), os.path.abspath(base))
    except ValueError:  # another drive: no relative path exists
        return ""
    return quote(rel.replace(os.sep, "/"), safe="/")


def md_text(text) -> str:
    """Plain text safe in a Markdown table cell: one line, ``|`` and brackets escaped, HTML
    (``<script>``) shown as text (``&lt;``: a Markdown renderer shows it as ``<``)."""
    text = re.sub(r"[\r\n\u2028\u2029]+", " ", str(text))
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    text = text.replace("[", "\\[").replace("]", "\\]")
    return text.replace("<", "&lt;")     # no tag can start without "<"


def md_cell(cell: T.Cell, links) -> str:
    """One Markdown table cell; ``links(link, rebase)`` gives the safe target or ""."""
    if cell.kind == "label":
        text = md_text(cell.text)
        link = links(cell.link, False)
        if link and cell.link_text:
            return f"{text} ([{md_text(cell.link_text)}]({link}))"
        if cell.link_text and cell.link:
            return f"{text} ({md_text(cell.link_text)})"
        return f"[{text}]({link})" if link else text
    marks = "".join(cell.marks)
    if cell.kind in ("x", "todo", "empty", "status"):
        return md_text(cell.text) + (marks if cell.kind == "status" else "")
    out = []
    for part in cell.parts:
        t = md_text(part.text)
        link = links(part.link)
        t = f"[{t}]({link})" if link else t
        out.append(t + (f"({md_text(part.stage)})" if part.stage else ""))
    text = "+".join(out)
    if cell.bold:
        text = f"**{text}**"
    return text + marks


def html_cell(cell: T.Cell, links):
    """One HTML table cell as Markup: every value escaped, links only through ``links``."""
    from markupsafe import Markup
    esc = html.escape
    if cell.kind == "label":
        link = links(cell.link, False)
        if link and cell.link_text:
            return Markup(f'{esc(cell.text)} (<a href="{esc(link)}">{esc(cell.link_text)}</a>)')
        if cell.link_text and cell.link:
            return Markup(f'{esc(cell.text)} ({esc(cell.link_text)})')
        return Markup(f'<a href="{esc(link)}">{esc(cell.text)}</a>' if link else esc(cell.text))
    if cell.kind in ("x", "todo", "empty"):
        return Markup(f'<span class="{cell.kind}">{esc(cell.text)}</span>')
    out = []
    for part in cell.parts:
        link = links(part.link)
        t = esc(part.text)
        t = f'<a href="{esc(link)}">{t}</a>' if link else t
        out.append(t + (f"({esc(part.stage)})" if part.stage else ""))
    text = "+".join(out)
    if cell.bold:
        text = f"<strong>{text}</strong>"
    marks = "".join(f'<sup class="mark">{esc(m)}</sup>' for m in cell.marks)
    title = esc("\n".join(cell.notes + ([cell.significance_note] if cell.significance_note
                                          else [])), quote=True)
    if cell.kind == "status":
        return Markup(f'<span class="status" title="{title}">{esc(cell.text)}</span>{marks}')
    extra = ""
    if cell.repeats is not None and cell.repeats.n_repeats > 1 and cell.repeats.stdev is not None:
        extra = (f'<div class="spread">±{esc(T.display_number(cell.repeats.stdev))} over '
                 f'{cell.repeats.n_repeats} repeats</div>')
    cls = "figure unstable" if T.UNSTABLE_MARK in cell.marks else "figure"
    if T.COMPAT_MARK in cell.marks:
        cls += " compat"
        extra += f'<div class="compat-label">{esc(T.COMPAT_LABEL)}</div>'
    return Markup(f'<span class="{cls}" title="{title}">{text}{marks}</span>{extra}')


def csv_quote(value) -> str:
    text = "" if value is None else str(value)
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def jinja_env():
    try:
        import jinja2
    except ImportError:  # pragma: no cover
        raise UserError("jinja2 is not installed: run `make venv`") from None
    # every value of the HTML template is escaped unless it is Markup (html_cell's);
    # Markdown escapes with the `md` filter; CSV quotes with `csvq`
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html.j2", "html"],
                                                                 default_for_string=True),
                             keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["csvq"] = csv_quote
    env.filters["md"] = md_text
    env.filters["num"] = T.display_number
    return env


def render(report: Report, fmt: str, out_dir: Optional[Path] = None,
           plots: bool = True) -> str:
    csv_dir = Path(report.source).parent
    base = out_dir if out_dir is not None else (Path.cwd() if fmt != "html" else csv_dir)
    refused: List[str] = []

    def links(link, rebase=True):
        """The link as written into the output, or "" (refused ones are reported once)."""
        if not link:
            return ""
        url = safe_url(link)
        if url is None:
            if link not in refused:
                refused.append(link)
            return ""
        if url:
            return url
        return _link_target(link, csv_dir, base) if rebase else quote(link, safe="/#")

    env = jinja_env()
    env.globals.update(md_cell=lambda c: md_cell(c, links), html_cell=lambda c: html_cell(c, links),
                       link=links, T=T, compat_label=T.COMPAT_LABEL)
    if fmt == "html" and plots and not report.plots:
        report.plots = job_plots(report, csv_dir)
    if fmt == "html" and not report.charts:   # the charts open the report, plots or not
        report.charts = table_charts(report)
    text = env.get_template(FORMATS[fmt]).render(report=report, tables=report.tables,
                                                 lang=report.lang)
    for link in refused:
        report.warnings.append(f"{report.source}: link {link!r} not written as a link: only "
                               f"http, https and relative paths are")
    return text


def table_charts(report: Report) -> Dict[str, str]:
    """One chart per table (per row, each framework's s/iter with its 95 % CI), PNG base64."""
    try:
        from orchestrator.results import plots
    except ImportError as exc:  # pragma: no cover - matplotlib is a requirement
        report.warnings.append(f"no charts: {exc}")
        return {}
    out = {}
    for table in report.tables:
        png = plots.table_chart(table)
        if png:
            out[table.name] = base64.b64encode(png).decode("ascii")
    return out


# --------------------------------------------------------------------------- plots


def job_plots(report: Report, csv_dir: Path) -> List[dict]:
    """One iteration-time plot per job with a readable log (warm-up shaded); PNG as base64."""
    from orchestrator.results import plots   # matplotlib: imported only where plots are drawn
    out = []
    for r in report.results:
        if not r.has_figure or not r.get("log_path") or "://" in r.get("log_path"):
            continue
        path = Path(r.get("log_path"))
        path = path if path.is_absolute() else csv_dir / path
        if not path.exists():
            report.warnings.append(f"{report.source}: row {r.line}: log {path} is gone; no plot")
            continue
        sha = r.get("log_sha256")
        if sha and path.is_file():
            if sha256_of(path) != sha:
                report.warnings.append(f"{report.source}: row {r.line}: {path} changed since "
                                       f"collect (sha256 differs)")
        series = plots.series_for(path, r.framework, r.job, csv_dir, r.stage)
        if not series:
            continue
        title = f"{r.job}{' ' + r.stage if r.stage else ''}"
        png = plots.iteration_plot(series, title=title, skip=50)
        out.append({"job": r.job, "stage": r.stage, "title": title,
                    "png_base64": base64.b64encode(png).decode("ascii")})
    return out


# --------------------------------------------------------------------------- CLI


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="render the results CSV as the benchmark page's tables",
        description="Render results.csv as the benchmark page's tables: Markdown (stdout by "
                    "default), an HTML report with plots, provenance and the comparison with the "
                    "published figures, or the tables as CSV.")
    p.add_argument("csv", metavar="results.csv", help="the unified CSV written by `collect`")
    p.add_argument("--format", choices=sorted(FORMATS), default="md",
                   help="md (default), html or csv")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="headings in English (default) or as the page's Chinese")
    p.add_argument("-o", "--output-dir", metavar="DIR",
                   help=f"write DIR/{OUTPUT_NAMES['md']} (or {OUTPUT_NAMES['html']}, "
                        f"{OUTPUT_NAMES['csv']}) instead of stdout; html defaults to the "
                        f"CSV's folder")
    p.add_argument("--spec", action="append", default=[], metavar="JOBS.yaml",
                   help="the sweep spec of a table (default: the CSV's `spec` column, then "
                        "jobs/<table>.yaml); repeatable")
    p.add_argument("--compare", metavar="CSV",
                   help="published figures to compare with (default: the specs' `published`)")
    p.add_argument("--table", action="append", default=[], metavar="NAME",
                   help="only this table (recognition, localization, demo, ...); repeatable")
    p.add_argument("--no-plots", action="store_true", help="html: leave the plots out")
    p.set_defaults(func=main)


def main(args) -> int:
    try:
        report = build_report(args.csv, args.lang, args.spec, args.compare, args.table)
    except T.TableInputError as exc:
        raise UserError(str(exc)) from None
    fmt = args.format
    out_dir = Path(args.output_dir) if args.output_dir else None
    if fmt == "html" and out_dir is None:
        out_dir = Path(args.csv).parent
    text = render(report, fmt, out_dir, plots=not args.no_plots)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if out_dir is None:
        sys.stdout.write(text)
        return 0
    target = out_dir / OUTPUT_NAMES[fmt]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, text)
    except OSError as exc:
        raise UserError(f"{target}: cannot be written ({exc.strerror or exc}); give another "
                        f"folder with -o") from None
    print(target)
    return 0
