"""``python -m orchestrator collect SWEEP_DIR [-o results.csv]``: a sweep folder -> the unified CSV.

Every job of the sweep becomes one row per (job, repeat, stage): the framework's own figure
(its parser on the logs copied back into ``logs/<stage>/``), the timing probe's figure
(``probe/<stage>/``), the statistics of the kept iteration times (orchestrator.results.stats), and the
provenance of the figure (commit, node, GPU, driver, times, log path and sha256). Jobs that did
not finish, or whose log gives no figure, are rows too, with their status and reason: nothing is
dropped silently. The file is written atomically (temporary file + rename) and is the same
byte for byte when collected twice from the same folder.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import parsers
from orchestrator.results import stats
from orchestrator.errors import UserError
from parsers.frameworks import PROBE_ONLY, parser_of
from orchestrator.sweep.sweepdir import JobDir, SweepDir, stage_dir_name
from orchestrator.fileio import read_json_object, sha256_of
from orchestrator.results.results_csv import EXTRA_COLUMNS, RESULT_COLUMNS, WARNING_SEPARATOR, write_csv

# log files tried first: the exact formats before the text ones
LOG_PREFERENCE = (".log.json", "scalars.json", ".json", ".log", ".csv", ".txt")


# mmcv's and mmengine's loggers write a record's time as a mean over the log interval (or
# mmengine's window), so a record is no single iteration: its spread comes from the probe
WINDOW_MEAN_FORMATS = ("mmcv", "mmengine")


@dataclass
class Figure:
    """What a parser made of one log (or probe folder)."""

    path: Path
    summary: dict
    times: Optional[List[float]] = None   # the kept per-record times, where the parser gives them
    window_means: bool = False            # a record's time is a mean over several iterations


@dataclass
class Collected:
    rows: List[Dict[str, str]]
    jobs: int
    counts: Dict[str, int] = field(default_factory=dict)
    missing: List[str] = field(default_factory=list)   # named by the sweep, folder deleted


# --------------------------------------------------------------------------- parsers


def parse_figure(path: Path, framework: str, skip: int) -> Figure:
    """Summary and kept times of one log file or probe folder, from one reading of it
    (``parsers.read``: the fast path where a chunk allows; the warm-up rule is the parsers');
    LogError on bad input."""
    parsed = parsers.read(str(path), framework=framework, skip=skip)
    summary = parsed.summary()
    return Figure(path=path, summary=summary, times=list(parsed.times),
                  window_means=str(summary.get("format") or "").startswith(WINDOW_MEAN_FORMATS))


def _preference(path: Path) -> int:
    """Rank of a log file's kind in LOG_PREFERENCE (a probe folder first)."""
    if path.is_dir():
        return -1
    return next((i for i, suffix in enumerate(LOG_PREFERENCE) if path.name.endswith(suffix)),
                len(LOG_PREFERENCE))


def choose_figure(candidates: Sequence[Path], framework: str, skip: int, warnings: List[str],
                  out_dir: Path):
    """The figure of a stage whose globs matched several logs, by a stated rule (docs/DESIGN.md
    section 3): the logs of the most preferred kind (LOG_PREFERENCE: the same run's ``.log.json``
    before its ``.log``) that give a figure compete; the one with the most records used wins
    (ties: the last by name, the latest timestamped log); every other one that gives a figure is
    named in a warning. Kinds further down are read only when none of a kind gives a figure.
    Returns (Figure or None, errors)."""
    errors: List[str] = []
    for rank in sorted({_preference(p) for p in candidates}):
        figures = []
        for path in [p for p in candidates if _preference(p) == rank]:
            try:
                figures.append(parse_figure(path, framework, skip))
            except parsers.LogError as exc:
                errors.append(str(exc))
            except ImportError as exc:  # a parser module missing from this installation
                errors.append(f"{path}: no parser for {framework} ({exc})")
        if not figures:
            continue
        best = max(figures, key=lambda f: (f.summary.get("n_used") or 0, str(f.path)))
        others = [f for f in figures if f is not best]
        if others:
            warnings.append(
                f"{len(figures)} logs of this stage give figures: used "
                f"{_relative(best.path, out_dir)} ({best.summary.get('n_used')} records used, the most), "
                "ignored " + ", ".join(f"{_relative(f.path, out_dir)} ({f.summary.get('n_used')})"
                                       for f in others))
        return best, errors
    return None, errors


def spread_sample(figure: Figure, probe: Optional[Figure]):
    """(times, source) whose spread and CI a row reports (docs/DESIGN.md section 5,
    ``sample_source``): the framework's own per-iteration times; the probe's per-iteration
    times of the same iterations where the framework logs window means (a window mean hides
    the spread of the iterations in it, and five of them are not five runs); the window means
    themselves only where there is no probe."""
    if figure.times and not figure.window_means:
        return figure.times, "probe" if figure.path == getattr(probe, "path", None) else "log"
    if probe is not None and probe.times:
        return probe.times, "probe"
    if figure.times:
        return figure.times, "log-windows"
    return None, ""


def _log_candidates(jd: JobDir, stage_name: str, listed: Sequence) -> List[Path]:
    """Log files of a stage, the exact formats first. ``listed`` is the manifest's
    ``log_files`` (dicts whose ``path`` is relative to the job folder, or plain paths); the
    stage's ``logs/`` folder's files are used where it lists none."""
    job_dir, logs_dir = jd.path, jd.logs_dir(stage_name)
    files = []
    for item in listed or ():
        name = item.get("path") if isinstance(item, dict) else item
        if not name:
            continue
        p = Path(name)
        for q in ([p] if p.is_absolute() else [job_dir / p, logs_dir / p]):
            if q.is_file() and q not in files:
                files.append(q)
                break
    if not files and logs_dir.is_dir():
        files = [p for p in sorted(logs_dir.rglob("*")) if p.is_file()]

    def rank(p: Path):
        name = p.name
        for i, suffix in enumerate(LOG_PREFERENCE):
            if name.endswith(suffix):
                return (i, str(p))
        return (len(LOG_PREFERENCE), str(p))
    return sorted(files, key=rank)


# --------------------------------------------------------------------------- one job


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _fixed(value, decimals: int) -> str:
    return "" if value is None else f"{float(value):.{decimals}f}"


def _stage_list(manifest: dict, job: dict) -> List[dict]:
    stages = manifest.get("stages") or []
    if not stages:
        stages = [{"name": s.get("name", "")} for s in (job.get("stages") or [])] or [{"name": ""}]
    return stages


def _relative(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), base.resolve())
    except ValueError:  # another drive
        return str(path.resolve())


def _command(value, stage_name: str) -> str:
    if isinstance(value, dict):
        value = value.get(stage_name) or value.get(stage_dir_name(stage_name)) or ""
    if isinstance(value, (list, tuple)):
        import shlex
        return " ".join(shlex.quote(str(a)) for a in value)
    return _text(value)


def collect_job(job_dir, out_dir: Path, skip: int = 50,
                spec_path: str = "") -> List[Dict[str, str]]:
    """The rows of one job folder (one per stage): who the job is from its ``job.json`` (what
    the sweep asked), what happened from its ``manifest.json`` (what the job recorded)."""
    jd = job_dir if isinstance(job_dir, JobDir) else JobDir(Path(job_dir))
    job = read_json_object(jd.job_json) or {}
    manifest = read_json_object(jd.manifest_json)
    framework = _text(job.get("framework"))
    spec_path = spec_path or _text(job.get("spec_path"))
    rows = []
    for stage in _stage_list(manifest or {}, job):
        name = stage.get("name") or ""
        row = {c: "" for c in RESULT_COLUMNS + EXTRA_COLUMNS}
        row.update({
            "table": _text(job.get("table")), "model": _text(job.get("model")),
            "input": _text(job.get("input")), "io_backend": _text(job.get("io_backend")),
            "batch_per_gpu": _text(job.get("batch_per_gpu")), "gpus": _text(job.get("gpus")),
            "framework": framework, "stage": name, "repeat": _text(job.get("repeat") or 0),
            "job": jd.name, "spec": spec_path,
        })
        warnings: List[str] = []
        reason = ""
        if manifest is None:
            reason = "no manifest.json: the job has not started (or its folder is incomplete)"
            status = "PENDING"
        else:
            m = manifest
            row.update({
                "commit": _text(m.get("commit")), "job_id": _text(m.get("slurm_job_id")),
                "node": _text(m.get("host")), "gpu_name": _text(m.get("gpu_name")),
                "driver": _text(m.get("driver")),
                "started": _text(stage.get("started") or m.get("started")),
                "finished": _text(stage.get("finished") or m.get("finished")),
                "compat_mode": _text(m.get("compat_mode")),
                "device": "cuda" if m.get("gpu_name") else "cpu",
                "exit_status": _text(stage.get("exit_status", m.get("exit_status"))),
                "command": _command(stage.get("command") or m.get("command"), name),
                "python": _text(m.get("python")), "cuda": _text(m.get("cuda")),
                "libraries": _text(m.get("libraries")),
            })
            reason = _text(m.get("reason"))
            status = str(m.get("status") or "PENDING").upper()
            stage_exit = stage.get("exit_status")
            if status == "COMPLETED" and stage_exit not in (None, 0):
                status = "FAILED"
                reason = reason or f"stage {stage_dir_name(name)} exited with status {stage_exit}"
        if status == "COMPLETED":
            status, reason = _fill_figures(row, jd, name, parser_of(framework), stage, skip,
                                           out_dir, warnings)
        if manifest is not None and status not in ("COMPLETED",) and not row["log_path"]:
            # point at what there is to read: the framework's log, else the job's stderr
            logs = _log_candidates(jd, name, stage.get("log_files") or ())
            target = logs[0] if logs else jd.stderr_log
            if target.is_file():
                row["log_path"] = _relative(target, out_dir)
                row["log_sha256"] = sha256_of(target)
        row["status"] = status
        row["reason"] = reason
        row["warnings"] = WARNING_SEPARATOR.join(dict.fromkeys(w.replace("\n", " ")
                                                               for w in warnings))
        rows.append(row)
    return rows


def _fill_figures(row: dict, jd: JobDir, stage_name: str, framework: str, stage: dict,
                  skip: int, out_dir: Path, warnings: List[str]):
    """Parse the stage's log and probe; returns (status, reason)."""
    logs_dir, probe_dir = jd.logs_dir(stage_name), jd.probe_dir(stage_name)
    has_probe = probe_dir.is_dir() and any(p.is_file() for p in probe_dir.rglob("*"))
    candidates: List[Path] = _log_candidates(jd, stage_name, stage.get("log_files") or ())
    if framework in PROBE_ONLY and has_probe:   # no per-iteration timing in their own logs
        candidates = [probe_dir] + candidates
    figure, errors = choose_figure(candidates, framework, skip, warnings, out_dir)
    status, reason = "COMPLETED", ""
    if figure is None:
        status = "PARSE_ERROR"
        reason = errors[0] if errors else f"no log file in {_relative(logs_dir, out_dir)}"
        if candidates:
            row["log_path"] = _relative(candidates[0], out_dir)
            row["log_sha256"] = sha256_of(candidates[0])
    else:
        s = figure.summary
        row["log_path"] = _relative(figure.path, out_dir)
        row["log_sha256"] = sha256_of(figure.path)
        row["s_per_iter"] = _fixed(s.get("mean_s_per_iter"), 6)
        row["median"] = _fixed(s.get("median_s_per_iter"), 6)
        row["n_used"] = _text(s.get("n_used"))
        row["n_skipped"] = _text(s.get("n_skipped_warmup"))
        row["mem_gb"] = _fixed(s.get("max_gpu_mem_gb"), 4)
        row["log_format"] = _text(s.get("format"))
        row["time_field"] = _text(s.get("time_field"))
        warnings.extend(str(w) for w in s.get("warnings") or [])
        if s.get("mean_s_per_iter") is None:
            status, reason = "PARSE_ERROR", "the parser found no figure"
    probe = None
    if has_probe:
        try:
            # BSN/BMN: the probe *is* the stage's figure, already read above
            probe = figure if figure is not None and figure.path == probe_dir \
                else parse_figure(probe_dir, "probe", skip)
            p = probe.summary
            row["probe_s_per_iter"] = _fixed(p.get("mean_s_per_iter"), 6)
            row["probe_mem_gb"] = _fixed(p.get("max_gpu_mem_gb"), 4)
            rss = p.get("max_rss_gb")
            row["probe_rss_gb"] = _fixed(rss if rss is not None else probe_peak_rss(probe_dir), 4)
            row["probe_n_used"] = _text(p.get("n_used"))
            warnings.extend("probe: " + str(w) for w in p.get("warnings") or [])
        except (parsers.LogError, ImportError) as exc:
            warnings.append(f"probe: {exc}")
    if figure is not None:
        times, source = spread_sample(figure, probe if probe is not None else (
            figure if figure.path == probe_dir else None))
        if times:
            st = stats.summarize(times, "iterations" if source != "log-windows" else "records")
            row["sample_source"], row["sample_n"] = source, _text(st.n)
            row["sample_mean"] = _fixed(st.mean, 6)
            row["stdev"] = _fixed(st.stdev, 6)
            row["ci95_low"] = _fixed(st.ci95_low, 6)
            row["ci95_high"] = _fixed(st.ci95_high, 6)
            row["min"] = _fixed(st.minimum, 6)
            row["max"] = _fixed(st.maximum, 6)
            if st.unstable:
                row["unstable"] = "yes"
                warnings.extend("unstable: " + w for w in st.warnings)
        elif figure.summary.get("mean_s_per_iter") is not None:
            warnings.append("the parser gave no per-record times: spread and CI unknown")
    drop_gpu_memory_of_cpu_job(row, warnings)
    return status, reason


def drop_gpu_memory_of_cpu_job(row: dict, warnings: List[str]) -> None:
    """A job of the CPU compatibility layer has no GPU memory figure, whatever
    its log prints: PySlowFast logs ``"gpu_mem": "0.00 GB"`` when the compat layer answers
    ``max_memory_allocated()`` with 0. Such figures are dropped (with a warning saying so), so no
    table or CSV shows them; CPU memory is ``probe_rss_gb`` (the probe's peak RSS)."""
    if not row.get("compat_mode"):
        return
    for key, what in (("mem_gb", "the log's"), ("probe_mem_gb", "the probe's")):
        if row.get(key) not in (None, ""):
            warnings.append(f"{what} GPU memory figure {row[key]} GB dropped: the job ran on "
                            f"the CPU (compat mode {row['compat_mode']}); CPU memory is "
                            f"probe_rss_gb")
            row[key] = ""


def probe_peak_rss(probe_dir: Path) -> Optional[float]:
    """Largest ``rss_gb`` (process peak RSS, CPU memory) over the probe's iter records
    (docs/DESIGN.md section 4), where ``parsers.probe`` does not report it."""
    peak = None
    for path in sorted(probe_dir.glob("*.jsonl")):
        with open(path, "rb") as f:
            for line in f:
                if b'"rss_gb"' not in line:
                    continue
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue  # a cut last line: the parser reports it
                v = rec.get("rss_gb") if rec.get("kind") == "iter" else None
                if isinstance(v, (int, float)) and (peak is None or v > peak):
                    peak = float(v)
    return peak


# --------------------------------------------------------------------------- the sweep


def collect(sweep_dir, out_path=None, skip: int = 50, progress: bool = False) -> Collected:
    """Collect every job of ``sweep_dir`` and write the CSV atomically (default:
    ``SWEEP_DIR/results.csv``)."""
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise UserError(f"{sweep_dir}: no such folder; give the sweep folder that `sweep` printed")
    sweep = SweepDir(sweep_dir.absolute())
    if not sweep.jobs_dir.is_dir():
        raise UserError(f"{sweep_dir}: not a sweep folder (no jobs/); give the folder that "
                        f"`sweep` printed")
    out = Path(out_path) if out_path else sweep_dir / "results.csv"
    job_dirs = sweep.job_dirs()
    iterator = job_dirs
    if progress and job_dirs:
        from tqdm import tqdm
        iterator = tqdm(job_dirs, desc="collect", unit="job", file=sys.stderr, leave=False)
    rows: List[Dict[str, str]] = []
    record = read_json_object(sweep.sweep_json) or {}
    for jd in iterator:
        job_rows = collect_job(jd, out.parent, skip)
        for r in job_rows:
            r["spec"] = r["spec"] or _spec_from_record(record, r["table"])
        rows.extend(job_rows)
    counts: Dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    result = Collected(rows=rows, jobs=len(job_dirs), counts=counts,
                       missing=sweep.missing_jobs())
    write_csv(out, rows)
    return result


def _spec_from_record(record: dict, table: str) -> str:
    """The spec file of ``table`` among the sweep's ``spec_files`` (sweep.json): the one of that
    table, else the only one."""
    specs = record.get("spec_files") or []
    if not isinstance(specs, list):
        return ""
    paths = [str(s.get("path")) for s in specs if isinstance(s, dict) and s.get("path")]
    for p in paths:
        if Path(p).stem == table:
            return p
    return paths[0] if len(paths) == 1 else ""


# --------------------------------------------------------------------------- CLI


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "collect", help="parse every job of a sweep into the unified results CSV",
        description="Parse every job of SWEEP_DIR (framework log + timing probe) and write one "
                    "CSV row per (job, repeat, stage), failed jobs included, atomically.")
    p.add_argument("sweep_dir", metavar="SWEEP_DIR", help="the folder that `sweep` printed")
    p.add_argument("-o", "--output", metavar="CSV",
                   help="where to write the CSV (default: SWEEP_DIR/results.csv)")
    p.add_argument("--skip", type=int, default=50, metavar="N",
                   help="warm-up iterations skipped in each run (default: 50)")
    p.add_argument("--quiet", action="store_true", help="no summary line on stderr")
    p.set_defaults(func=main)


def main(args) -> int:
    if args.skip < 0:
        raise UserError("--skip must be >= 0", exit_code=2)
    out = Path(args.output) if args.output else Path(args.sweep_dir) / "results.csv"
    result = collect(args.sweep_dir, out, skip=args.skip,
                     progress=not args.quiet and sys.stderr.isatty())
    if not args.quiet:
        counts = ", ".join(f"{n} {s.lower()}" for s, n in sorted(result.counts.items()))
        print(f"collected {len(result.rows)} row(s) from {result.jobs} job(s)"
              + (f" ({counts})" if counts else "") + f" -> {out}", file=sys.stderr)
    if result.missing:   # said even with --quiet: these jobs have no row at all
        print(f"warning: {len(result.missing)} job(s) of the sweep have no folder (deleted?) and "
              f"no row: {', '.join(result.missing)}", file=sys.stderr)
    print(out)
    return 0
