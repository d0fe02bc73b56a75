"""The unified CSV (docs/DESIGN.md section 5): its columns, one validated row (`Result`), and
how it is read and written.

Why its own module: `collect` writes the CSV and `report` reads it; the contract between them
(column order, statuses, the warnings separator, which numbers may be negative) must be one
text that both import, not a part of the module that renders tables. Reading and validating is
pure; `read_csv_rows` and `write_csv` are the only file access.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from orchestrator.fileio import atomic_write_text

#: DESIGN.md section 5: the unified CSV's columns, in this order.
RESULT_COLUMNS = (
    "table", "model", "input", "io_backend", "batch_per_gpu", "gpus", "framework", "stage",
    "repeat", "s_per_iter", "median", "stdev", "ci95_low", "ci95_high", "n_used", "n_skipped",
    "mem_gb", "probe_s_per_iter", "probe_mem_gb", "status", "warnings", "commit", "job_id",
    "node", "gpu_name", "driver", "started", "finished", "log_path", "log_sha256",
)
#: Extra columns written by `collect` after the contract's (optional for readers).
EXTRA_COLUMNS = (
    "job",            # job name (folder under SWEEP_DIR/jobs)
    "reason",         # why a job failed or gave no figure
    "unstable",       # "yes" when pyperf's rules flag the figure
    "min", "max",     # of the kept iteration times
    "compat_mode",    # name of the CPU compatibility layer, empty for a native run
    "device",         # "cuda" or "cpu": what the memory figures are of
    "probe_rss_gb",   # the probe's process peak RSS (CPU memory, never GPU memory)
    "probe_n_used",
    "log_format", "time_field", "exit_status", "command", "spec", "python", "cuda",
    "libraries",
    "sample_source",  # whose per-iteration times stdev, ci95_*, min, max are of: log | probe
                      # (the framework logs window means) | log-windows (no probe to use)
    "sample_n",       # how many such times
    "sample_mean",    # their mean (the Welch test of a row compares these)
)
WARNING_SEPARATOR = " | "

#: Statuses whose rows carry a figure.
FIGURE_STATUSES = ("COMPLETED", "PUBLISHED")
KNOWN_STATUSES = ("COMPLETED", "PUBLISHED", "FAILED", "CANCELLED", "TIMEOUT", "PENDING",
                  "RUNNING", "PARSE_ERROR", "MISSING")


class TableInputError(ValueError):
    """A results CSV that cannot be read or turned into a table; str() names the file and row."""


@dataclass
class Result:
    """One validated row of the unified CSV."""

    line: int
    table: str
    model: str
    input: str
    io_backend: str
    batch_per_gpu: Optional[int]
    gpus: Optional[int]
    framework: str
    stage: str
    repeat: int
    s_per_iter: Optional[float]
    s_text: str
    median: Optional[float]
    stdev: Optional[float]
    ci95_low: Optional[float]
    ci95_high: Optional[float]
    n_used: Optional[int]
    n_skipped: Optional[int]
    mem_gb: Optional[float]
    mem_text: str
    probe_s_per_iter: Optional[float]
    probe_mem_gb: Optional[float]
    status: str
    warnings: List[str]
    raw: Dict[str, str]

    def get(self, column: str) -> str:
        return self.raw.get(column, "") or ""

    @property
    def has_figure(self) -> bool:
        return self.status in FIGURE_STATUSES and self.s_per_iter is not None

    @property
    def unstable(self) -> bool:
        flag = self.get("unstable").strip().lower()
        if flag:
            return flag in ("yes", "true", "1")
        return any(w.startswith("unstable:") for w in self.warnings)

    @property
    def other_warnings(self) -> List[str]:
        """The warnings that are not pyperf's (those are listed under the table, once)."""
        return [w for w in self.warnings if not w.startswith("unstable:")]

    @property
    def compat_mode(self) -> str:
        return self.get("compat_mode").strip()

    @property
    def probe_rss_gb(self) -> Optional[float]:
        text = self.get("probe_rss_gb").strip()
        return float(text) if text else None

    @property
    def job(self) -> str:
        return self.get("job") or self.get("job_id")


def canonical(label: str, known: Iterable[str]) -> Optional[str]:
    """The known spelling of ``label`` (compared without regard to case), or None."""
    folded = label.strip().casefold()
    for k in known:
        if k.casefold() == folded:
            return k
    return None


def check_header(fieldnames: Optional[Sequence[str]], source: str) -> None:
    if not fieldnames:
        raise TableInputError(f"{source}: row 1: empty file, not a vidbench results CSV "
                              f"(make one with `python -m orchestrator collect SWEEP_DIR`)")
    missing = [c for c in RESULT_COLUMNS if c not in fieldnames]
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        raise TableInputError(f"{source}: row 1: not a vidbench results CSV: missing column(s) "
                              f"{shown} (make one with `python -m orchestrator collect SWEEP_DIR`)")


def _number(text: str, column: str, where: str) -> Optional[float]:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise TableInputError(f"{where}: {column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise TableInputError(f"{where}: {column} {text!r} is not a finite number")
    return value


def _integer(text: str, column: str, where: str) -> Optional[int]:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise TableInputError(f"{where}: {column} {text!r} is not a whole number") from None


#: Numeric columns that can never be negative (times, memory, spreads), checked on reading.
NON_NEGATIVE_COLUMNS = ("median", "stdev", "ci95_low", "ci95_high", "mem_gb",
                        "probe_s_per_iter", "probe_mem_gb", "min", "max", "probe_rss_gb",
                        "sample_mean")
WHOLE_COLUMNS = ("repeat", "n_used", "n_skipped", "batch_per_gpu", "gpus", "probe_n_used",
                 "sample_n")


def parse_results(rows: Iterable[Tuple[int, Dict[str, str]]], source: str,
                  frameworks: Iterable[str], models: Iterable[str],
                  inputs: Iterable[str], io_backends: Iterable[str]) -> List[Result]:
    """Validate ``(line, row)`` pairs of the CSV; labels come back in their known spelling
    (``frameworks``, ``models``, ``inputs``, ``io_backends``: the labels the tables know).

    Raises TableInputError("file: row N: what is wrong") at the first bad row.
    """
    frameworks, models = list(frameworks), list(models)
    inputs, io_backends = list(inputs), list(io_backends)
    out: List[Result] = []
    for line, row in rows:
        where = f"{source}: row {line}"
        if None in row:  # more cells than header columns
            raise TableInputError(f"{where}: {len(row[None])} cell(s) more than the header has")
        if any(v is None for v in row.values()):
            raise TableInputError(f"{where}: fewer cells than the header has")
        fw = (row["framework"] or "").strip()
        if fw.lower() not in frameworks:
            raise TableInputError(f"{where}: unknown framework {fw!r} "
                                  f"(known: {', '.join(frameworks)})")
        model = canonical(row["model"] or "", models)
        if model is None:
            raise TableInputError(f"{where}: unknown model {row['model']!r} "
                                  f"(known: {', '.join(models)})")
        inp = canonical(row["input"] or "", inputs) or (row["input"] or "").strip()
        io = canonical(row["io_backend"] or "", io_backends) or (row["io_backend"] or "").strip()
        status = (row["status"] or "").strip().upper()
        if not status:
            raise TableInputError(f"{where}: empty status (one of {', '.join(KNOWN_STATUSES)})")
        if status not in KNOWN_STATUSES:
            raise TableInputError(f"{where}: unknown status {row['status']!r} "
                                  f"(one of {', '.join(KNOWN_STATUSES)})")
        s = _number(row["s_per_iter"], "s_per_iter", where)
        if s is not None and s <= 0:
            raise TableInputError(f"{where}: s_per_iter {row['s_per_iter']!r} is not positive")
        for column in NON_NEGATIVE_COLUMNS:
            if column in row:
                value = _number(row[column], column, where)
                if value is not None and value < 0:
                    raise TableInputError(f"{where}: {column} {row[column]!r} is negative")
        for column in WHOLE_COLUMNS:
            if column in row:
                value = _integer(row[column], column, where)
                if value is not None and value < 0:
                    raise TableInputError(f"{where}: {column} {row[column]!r} is negative")
        warnings = [w.strip() for w in (row["warnings"] or "").split(WARNING_SEPARATOR.strip())
                    if w.strip()]
        out.append(Result(
            line=line,
            table=(row["table"] or "").strip().lower(),
            model=model, input=inp, io_backend=io,
            batch_per_gpu=_integer(row["batch_per_gpu"], "batch_per_gpu", where),
            gpus=_integer(row["gpus"], "gpus", where),
            framework=fw.lower(),
            stage=(row["stage"] or "").strip(),
            repeat=_integer(row["repeat"], "repeat", where) or 0,
            s_per_iter=s, s_text=(row["s_per_iter"] or "").strip(),
            median=_number(row["median"], "median", where),
            stdev=_number(row["stdev"], "stdev", where),
            ci95_low=_number(row["ci95_low"], "ci95_low", where),
            ci95_high=_number(row["ci95_high"], "ci95_high", where),
            n_used=_integer(row["n_used"], "n_used", where),
            n_skipped=_integer(row["n_skipped"], "n_skipped", where),
            mem_gb=_number(row["mem_gb"], "mem_gb", where),
            mem_text=(row["mem_gb"] or "").strip(),
            probe_s_per_iter=_number(row["probe_s_per_iter"], "probe_s_per_iter", where),
            probe_mem_gb=_number(row["probe_mem_gb"], "probe_mem_gb", where),
            status=status, warnings=warnings, raw=dict(row),
        ))
    return out


# --------------------------------------------------------------------------- files


def read_csv_rows(path: Path):
    """(fieldnames, [(line, row)]) of a CSV; TableInputError for a file that is not one."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise TableInputError(f"{source}: no such file (make it with "
                              f"`python -m orchestrator collect SWEEP_DIR`)") from None
    except IsADirectoryError:
        raise TableInputError(f"{source}: is a folder; give the results CSV "
                              f"(e.g. SWEEP_DIR/results.csv)") from None
    if b"\0" in data[:4096] or data[:2] == b"\x1f\x8b":
        raise TableInputError(f"{source}: row 1: binary data, not a CSV file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableInputError(f"{source}: row {line}: not UTF-8 text, not a CSV file") from None
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    try:
        fieldnames = reader.fieldnames
        check_header(fieldnames, source)
        rows = []
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise TableInputError(f"{source}: row {reader.line_num}: not valid CSV ({exc})") from None
    return fieldnames, rows


def to_csv_text(rows: Sequence[Dict[str, str]]) -> str:
    """The CSV text of ``rows``: every contract and extra column, in order; other keys left out."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(RESULT_COLUMNS + EXTRA_COLUMNS),
                            lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return buf.getvalue()


def write_csv(path: Path, rows: Sequence[Dict[str, str]]) -> None:
    """Write ``rows`` to ``path`` atomically (its folder made where missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, to_csv_text(rows))
