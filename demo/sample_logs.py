"""Regenerate ``tests/demo_logs/`` and ``tests/framework_logs/``: sample logs captured from real
demo trainings.

The parser tests need real output of the frameworks and of the timing probe, not imitations;
this runs the demo jobs the samples come from through the real pipeline (``python -m demo.run
--full``) and copies, per sample (one job), the framework's own log files and one process's
probe records per stage, with fixed names, plus ``SOURCE.json`` (what ran, where, when: from the
job's ``manifest.json``; and the figures ``collect`` computed for the job, from the sweep's
``results.csv`` when there is one). Logs of a pinned framework go to
``framework_logs/<framework>-<commit7>/``, today's MMAction2 to ``demo_logs/``:

    tests/framework_logs/mmaction2-fd993ca/{mmcv.log, mmcv.log.json, probe.jsonl}   (TSN R18)
    tests/framework_logs/mmaction-7f3490d/{mmcv.log, mmcv.log.json, probe.jsonl}   (mmcv 0.4.4)
    tests/demo_logs/mmaction2-1.2.0/{mmengine.log, scalars.json, probe.jsonl}
    tests/framework_logs/tsm-8d53d6f/{log.csv, stdout.log, probe.jsonl}            (TSM R18)
    tests/framework_logs/pyslowfast-8299c98/{stdout.log, probe.jsonl}              (SlowFast R50)
    tests/framework_logs/bsn-f13707f/{stdout.log, tem.probe.jsonl, pem.probe.jsonl}
    tests/framework_logs/bmn-45d0514/{stdout.log, probe.jsonl}
    tests/framework_logs/mmaction2-fd993ca-localizers/bsn/{tem.mmcv.log, tem.mmcv.log.json,
        tem.probe.jsonl, pem.mmcv.log, pem.mmcv.log.json, pem.probe.jsonl}
    tests/framework_logs/mmaction2-fd993ca-localizers/bmn/{mmcv.log, mmcv.log.json, probe.jsonl}

BSN and BMN write no log file of their own: their output is the job's ``stdout.log`` (per-epoch
losses, and for BSN TensorFlow's device placement; BSN's two stages one after the other, each
after a ``==== vidbench ... stage`` line). TSM's stdout is the job's ``stdout.log`` too.

A sample names its job by globs, in order of preference: the first that matches a job folder of
the sweep must match exactly one. The demo specs' cells moved (TSN 56px to jobs/demo-now.yaml,
where MMAction 7f3490d has no column, the 64px videos to 32px): the globs take a run of either
layout.

    python -m demo.sample_logs tests            # runs the samples' jobs
    python -m demo.sample_logs tests --from results/demo/<run>   # copy from a run
    python -m demo.sample_logs tests --from RUN --only 'framework_logs/bsn-*'   # some samples
"""
import argparse
import csv
import dataclasses
import fnmatch
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

from orchestrator.fileio import atomic_write_text

ROOT = pathlib.Path(__file__).resolve().parent.parent
TSN56 = "demo*--tsn-r18--56px-rawframes--"
LOC = "demo-localization--"
MMCV = (("logs/{stage}/**/*.log", "mmcv.log"), ("logs/{stage}/**/*.log.json", "mmcv.log.json"))


@dataclasses.dataclass(frozen=True)
class Sample:
    """One sample folder: the job of a demo sweep it is copied from and which files it keeps.

    ``jobs``: globs on the job folder names of the sweep; the first that matches any must match
    exactly one (see ``find_job``). ``logs``: (glob
    under the job folder, stored name); each must match exactly one file, so a second log (a
    resumed job) is an error rather than a silent choice. ``probes``: (stage folder under
    ``probe/``, stored name): the records of the process that trained (see
    ``training_probe_file``)."""
    folder: str
    jobs: tuple
    logs: tuple
    probes: tuple = (("main", "probe.jsonl"),)


def _stage_logs(stage: str, prefix: str = "") -> tuple:
    return tuple((pattern.format(stage=stage), prefix + name) for pattern, name in MMCV)


SAMPLES = (
    Sample("framework_logs/mmaction2-fd993ca", (f"{TSN56}mmaction2--r0",), _stage_logs("main")),
    Sample("framework_logs/mmaction-7f3490d", (f"{TSN56}mmaction--r0", "demo--tsn-r18--224px-rawframes--mmaction--r0"),
           _stage_logs("main")),
    Sample("demo_logs/mmaction2-1.2.0", (f"{TSN56}mmaction2-now--r0",),
           (("logs/main/**/*.log", "mmengine.log"), ("logs/main/**/vis_data/scalars.json", "scalars.json"))),
    Sample("framework_logs/tsm-8d53d6f", ("demo--tsm-r18--224px-rawframes--tsm--r0",),
           (("logs/main/**/log.csv", "log.csv"), ("stdout.log", "stdout.log"))),
    Sample("framework_logs/pyslowfast-8299c98", ("demo--slowfast-r50-quarter-width--32px-videos--pyslowfast--r0",
                                                 "demo--slowfast-r50--*-videos--pyslowfast--r0"),
           (("logs/main/**/stdout.log", "stdout.log"),)),
    Sample("framework_logs/bsn-f13707f", (f"{LOC}bsn--activitynet-400x100-features--bsn--r0",),
           (("stdout.log", "stdout.log"),), (("TEM", "tem.probe.jsonl"), ("PEM", "pem.probe.jsonl"))),
    Sample("framework_logs/bmn-45d0514", (f"{LOC}bmn--activitynet-400x16-features--bmn--r0",),
           (("stdout.log", "stdout.log"),)),
    Sample("framework_logs/mmaction2-fd993ca-localizers/bsn",
           (f"{LOC}bsn--activitynet-400x100-features--mmaction2--r0",),
           _stage_logs("TEM", "tem.") + _stage_logs("PEM", "pem."),
           (("TEM", "tem.probe.jsonl"), ("PEM", "pem.probe.jsonl"))),
    Sample("framework_logs/mmaction2-fd993ca-localizers/bmn",
           (f"{LOC}bmn--activitynet-400x16-features--mmaction2--r0",), _stage_logs("main")),
)
# what collect computed for the job (results.csv), kept in SOURCE.json beside the logs
RESULT_COLUMNS = ("stage", "s_per_iter", "median", "n_used", "n_skipped", "probe_s_per_iter",
                  "probe_n_used", "probe_rss_gb", "status", "log_format", "time_field", "log_path")


def selected(only) -> list:
    """The samples whose folder matches one of the globs ``only`` (all when None)."""
    if not only:
        return list(SAMPLES)
    chosen = [s for s in SAMPLES if any(fnmatch.fnmatchcase(s.folder, g) for g in only)]
    if not chosen:
        raise SystemExit(f"error: --only {' '.join(only)} names no sample; the samples: "
                         + ", ".join(s.folder for s in SAMPLES))
    return chosen


def iter_count(path: pathlib.Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for line in fh if b'"kind": "iter"' in line)


def training_probe_file(probe_dir: pathlib.Path) -> pathlib.Path:
    """The records of the process that trained: the most iter records (helpers, PGM workers and
    TEM_test.py have none), ties broken by size, then name."""
    files = sorted(probe_dir.glob("probe-*.jsonl"), key=lambda p: (-iter_count(p), -p.stat().st_size, p.name))
    if not files or iter_count(files[0]) == 0:
        raise SystemExit(f"error: no probe records of a training step in {probe_dir}")
    return files[0]


def one_match(folder: pathlib.Path, pattern: str, what: str = "files") -> pathlib.Path:
    found = sorted(p for p in folder.glob(pattern) if (p.is_dir() if what == "jobs" else p.is_file()))
    if len(found) != 1:
        raise SystemExit(f"error: {folder}: {pattern} matches {len(found)} {what}, not one"
                         + (": " + ", ".join(str(p.relative_to(folder)) for p in found) if found else ""))
    return found[0]


def find_job(jobs_dir: pathlib.Path, patterns: tuple) -> pathlib.Path:
    """The job folder of the first pattern that matches any (it must match exactly one)."""
    for pattern in patterns:
        if any(p.is_dir() for p in jobs_dir.glob(pattern)):
            return one_match(jobs_dir, pattern, "jobs")
    raise SystemExit(f"error: {jobs_dir}: no job matches {' or '.join(patterns)}")


def collected_rows(sweep: pathlib.Path, job: str) -> list:
    """The job's rows of the sweep's results.csv (none when the sweep was not collected)."""
    path = sweep / "results.csv"
    if not path.is_file():
        return []
    with open(path, newline="") as fh:
        return [{k: row.get(k) for k in RESULT_COLUMNS} for row in csv.DictReader(fh)
                if row.get("job") == job]


def source_record(manifest: dict, files: dict, rows: list) -> dict:
    source = {key: manifest.get(key) for key in
              ("job", "framework", "repo", "commit", "command", "host", "python", "libraries",
               "compat_mode", "started", "finished", "status")}
    env = manifest.get("environment") or {}
    source["environment"] = {k: env.get(k) for k in ("recipe", "hash", "python")}
    source["stages"] = [{k: st.get(k) for k in ("name", "command", "started", "finished", "exit_status")}
                        for st in manifest.get("stages") or ()]
    source["files"] = files
    source["results_csv"] = rows
    return source


def copy_sample(sweep: pathlib.Path, sample: Sample, dest: pathlib.Path) -> list:
    job = find_job(sweep / "jobs", sample.jobs)
    manifest_path = job / "manifest.json"
    if not manifest_path.is_file():
        raise SystemExit(f"error: {manifest_path}: no such file (the job never started?)")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("status") != "COMPLETED":
        raise SystemExit(f"error: {job} did not complete ({manifest.get('status')}): "
                         f"see {job / 'stderr.log'}")
    picked = [(one_match(job, pattern), name) for pattern, name in sample.logs]
    picked += [(training_probe_file(job / "probe" / stage), name) for stage, name in sample.probes]
    out = dest / sample.folder
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for path, name in picked:
        shutil.copyfile(path, out / name)
        files[name] = str(path.relative_to(sweep))
    source = source_record(manifest, files, collected_rows(sweep, job.name))
    atomic_write_text(out / "SOURCE.json", json.dumps(source, indent=1, sort_keys=True) + "\n")
    return sorted(str(p.relative_to(dest)) for p in out.iterdir() if p.is_file())


def copy_samples(sweep: pathlib.Path, dest: pathlib.Path, samples=SAMPLES) -> list:
    """Copy the files of ``samples`` from the demo sweep folder ``sweep`` into ``dest``."""
    written = []
    for sample in samples:
        written += copy_sample(sweep, sample, dest)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demo.sample_logs",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("dest", help="folder to (re)write into, e.g. tests")
    ap.add_argument("--from", dest="sweep", help="copy from this demo sweep folder instead of "
                                                 "running one")
    ap.add_argument("--only", action="append", metavar="GLOB",
                    help="only the samples whose folder matches, e.g. 'framework_logs/tsm-*' "
                         "(repeatable; default: all)")
    args = ap.parse_args(argv)
    dest = pathlib.Path(args.dest)
    samples = selected(args.only)
    if args.sweep:
        written = copy_samples(pathlib.Path(args.sweep), dest, samples)
    else:
        with tempfile.TemporaryDirectory(prefix="vidbench-samples-", dir=ROOT / "results"
                                         if (ROOT / "results").is_dir() else None) as tmp:
            out = pathlib.Path(tmp) / "sweep"
            cmd = [sys.executable, "-m", "demo.run", "--full", "--out", str(out),
                   "--only", ",".join(j for s in samples for j in s.jobs)]
            if subprocess.run(cmd, cwd=ROOT).returncode != 0:
                return 1
            written = copy_samples(out, dest, samples)
    for name in written:
        print(dest / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
