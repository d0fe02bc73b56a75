"""``python -m orchestrator report results.csv [--format md|html|csv] [--lang en|zh] [-o DIR]``.

Reads the unified CSV (written by ``collect``, or by hand, as the page's own figures in
tests/results/), finds the sweep spec of each table (``--spec``, the CSV's ``spec`` column, or
``jobs/<table>.yaml``), builds the table model (orchestrator.tables) and lays it out with the
Jinja templates in ``templates/``: Markdown (stdout by default), an HTML report (tables,
per-job iteration-time plots, instability warnings, provenance, comparison with the page's
published figures) or the tables as CSV. Bad input is one line naming the file and row, exit 1.
"""
from __future__ import annotations

import base64
import csv
import html
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from orchestrator import tables as T
from orchestrator.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
JOBS = ROOT / "jobs"
TABLE_ORDER = ("recognition", "localization", "demo", "demo-localization")
FORMATS = {"md": "tables.md.j2", "html": "report.html.j2", "csv": "tables.csv.j2"}
OUTPUT_NAMES = {"md": "results.md", "html": "report.html", "csv": "tables.csv"}


# --------------------------------------------------------------------------- reading


def read_csv_rows(path: Path):
    """(fieldnames, [(line, row)]) of a CSV; TableInputError for a file that is not one."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise T.TableInputError(f"{source}: no such file (make it with "
                                f"`python -m orchestrator collect SWEEP_DIR`)") from None
    except IsADirectoryError:
        raise T.TableInputError(f"{source}: is a folder; give the results CSV "
                                f"(e.g. SWEEP_DIR/results.csv)") from None
    if b"\0" in data[:4096] or data[:2] == b"\x1f\x8b":
        raise T.TableInputError(f"{source}: row 1: binary data, not a CSV file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise T.TableInputError(f"{source}: row {line}: not UTF-8 text, not a CSV file") from None
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    try:
        fieldnames = reader.fieldnames
        T.check_header(fieldnames, source)
        rows = []
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise T.TableInputError(f"{source}: row {reader.line_num}: not valid CSV ({exc})") from None
    return fieldnames, rows


def _load_spec(path: Path):
    from orchestrator.spec import load_spec
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
                    specs[name] = _load_spec(q)
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


def build_report(csv_path, lang: str = "en", spec_args: Sequence[str] = (),
                 compare: Optional[str] = None, only_tables: Sequence[str] = ()) -> Report:
    csv_path = Path(csv_path)
    _, raw = read_csv_rows(csv_path)
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
    results = T.parse_results(raw, str(csv_path), T.known_frameworks(specs.values()), models,
                              inputs, ios)
    published = None
    published_source = "spec"
    if compare:
        _, praw = read_csv_rows(Path(compare))
        published = T.published_from_results(
            T.parse_results(praw, compare, T.known_frameworks(specs.values()), models, inputs, ios))
        published_source = compare
    order = [n for n in TABLE_ORDER if n in names] + sorted(n for n in names
                                                             if n not in TABLE_ORDER)
    if only_tables:
        order = [n for n in order if n in only_tables]
    built = [T.build_table(n, results, specs.get(n), lang, published) for n in order]
    warnings = [f"{csv_path}: {w}" for t in built for w in t.warnings]
    for n in order:
        if n not in specs:
            warnings.append(f"{csv_path}: no spec for table {n!r} (jobs/{n}.yaml or --spec): "
                            f"rows and columns come from the CSV alone, without x/TODO")
    return Report(tables=built, results=results, source=str(csv_path), lang=lang,
                  comparison=T.comparison(built), warnings=warnings,
                  published_source=published_source)


# --------------------------------------------------------------------------- rendering


def _link_target(link: str, csv_dir: Path, base: Optional[Path]) -> str:
    """A log link as the reader of the output can follow it."""
    if not link or "://" in link or link.startswith("/") and not Path(link).exists():
        return link
    p = Path(link)
    p = p if p.is_absolute() else csv_dir / p
    if base is None:
        return str(p)
    try:
        rel = os.path.relpath(p.resolve(), base.resolve())
    except ValueError:  # another drive
        return str(p.resolve())
    # relative where the log lies under the output's folder, else absolute
    return str(p.resolve()) if rel.startswith("..") else rel


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|")


def md_cell(cell: T.Cell, links) -> str:
    if cell.kind == "label":
        text = _md_escape(cell.text)
        if cell.link and cell.link_text:
            return f"{text} ([{_md_escape(cell.link_text)}]({cell.link}))"
        return f"[{text}]({cell.link})" if cell.link else text
    if cell.kind in ("x", "todo", "empty"):
        return cell.text
    if cell.kind == "status":
        return _md_escape(cell.text) + "".join(cell.marks)
    out = []
    for part in cell.parts:
        t = _md_escape(part.text)
        link = links(part.link)
        t = f"[{t}]({link})" if link else t
        out.append(t + (f"({part.stage})" if part.stage else ""))
    text = "+".join(out)
    if cell.bold:
        text = f"**{text}**"
    return text + "".join(cell.marks)


def html_cell(cell: T.Cell, links) -> str:
    esc = html.escape
    if cell.kind == "label":
        if cell.link and cell.link_text:
            return f'{esc(cell.text)} (<a href="{esc(cell.link)}">{esc(cell.link_text)}</a>)'
        return f'<a href="{esc(cell.link)}">{esc(cell.text)}</a>' if cell.link else esc(cell.text)
    if cell.kind in ("x", "todo", "empty"):
        return f'<span class="{cell.kind}">{esc(cell.text)}</span>'
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
    title = esc("\n".join(cell.notes), quote=True)
    if cell.kind == "status":
        return f'<span class="status" title="{title}">{esc(cell.text)}</span>{marks}'
    extra = ""
    if cell.repeats is not None and cell.repeats.n_repeats > 1 and cell.repeats.stdev is not None:
        extra = (f'<div class="spread">±{esc(T.display_number(cell.repeats.stdev))} over '
                 f'{cell.repeats.n_repeats} repeats</div>')
    cls = "figure unstable" if T.UNSTABLE_MARK in cell.marks else "figure"
    if T.COMPAT_MARK in cell.marks:
        cls += " compat"
        extra += f'<div class="compat-label">{esc(T.COMPAT_LABEL)}</div>'
    return f'<span class="{cls}" title="{title}">{text}{marks}</span>{extra}'


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
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=False, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["csvq"] = csv_quote
    env.filters["e"] = html.escape
    env.filters["num"] = T.display_number
    return env


def render(report: Report, fmt: str, out_dir: Optional[Path] = None,
           plots: bool = True) -> str:
    csv_dir = Path(report.source).parent
    base = out_dir if out_dir is not None else (Path.cwd() if fmt != "html" else csv_dir)

    def links(link):
        return _link_target(link, csv_dir, base)

    env = jinja_env()
    env.globals.update(md_cell=lambda c: md_cell(c, links), html_cell=lambda c: html_cell(c, links),
                       link=links, T=T, compat_label=T.COMPAT_LABEL)
    if fmt == "html" and plots and not report.plots:
        report.plots = job_plots(report, csv_dir)
    return env.get_template(FORMATS[fmt]).render(report=report, tables=report.tables,
                                                 lang=report.lang)


# --------------------------------------------------------------------------- plots


def job_plots(report: Report, csv_dir: Path) -> List[dict]:
    """One iteration-time plot per job with a readable log (warm-up shaded); PNG as base64."""
    try:
        from orchestrator import plots
    except ImportError as exc:  # pragma: no cover - matplotlib is a requirement
        report.warnings.append(f"no plots: {exc}")
        return []
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
            from orchestrator.collect import sha256_of
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
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_NAMES[fmt]
    from orchestrator.collect import write_text_atomic
    write_text_atomic(target, text)
    print(target)
    return 0
