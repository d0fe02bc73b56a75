"""``python -m bench collect``: collect's time per log against the parser CLI on the same logs.

Why: ``collect`` runs the parsers on every log of a sweep; it must cost no more than running
``python -m parsers.<framework> LOG --json`` on each (target: at most 1.2x per log), i.e. read
each log once, through the fast path. The logs are ``bench parsers``' generated ones (one per
format, ``VIDBENCH_BENCH_MB`` each, cached in ``bench/out/parsers/``), hard-linked into a sweep
folder (``bench/out/collect/``) the way the orchestrator leaves them (one job per log). Both
sides are measured in the same run, each in a fresh process, as CPU seconds (user + system),
best of 2: collect over the whole folder (its start-up included, divided by the number of
logs, as a sweep pays it) against the sum of one CLI call per log. collect also hashes every
log (sha256, the figure's provenance); that is part of its time.
"""
import json
import os
import pathlib
import sys

from bench import bench_parsers as bp

OUT = bp.ROOT / "bench" / "out" / "collect"
# where the orchestrator leaves each format's log in a job folder (logs/<stage>/ or probe/<stage>/)
LOG_NAME = {"pyslowfast": "logs/main/stdout.log", "mmcv-text": "logs/main/20210520_172551.log",
            "mmcv-json": "logs/main/20210520_172551.log.json", "mmengine-text": "logs/main/20261126_232244.log",
            "mmengine-json": "logs/main/vis_data/scalars.json", "tsm-stdout": "logs/main/stdout.log",
            "probe-jsonl": "probe/main/probe-h-1.jsonl"}


def build_sweep(logs: dict) -> pathlib.Path:
    """A sweep folder with one completed job per generated log (hard links, no copies)."""
    sweep = OUT / "sweep"
    (sweep / "jobs").mkdir(parents=True, exist_ok=True)
    (sweep / "sweep.json").write_text(json.dumps({"spec_files": []}))
    for name, (fw, src) in logs.items():
        job = sweep / "jobs" / f"bench--{name}"
        dest = job / LOG_NAME[name]
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            dest.unlink()
        os.link(src, dest)
        cell = {"table": "bench", "model": name, "input": "-", "io_backend": "-", "batch_per_gpu": 1,
                "gpus": 1, "framework": fw, "repeat": 0}
        (job / "job.json").write_text(json.dumps(dict(cell, name=job.name, stages=[{"name": ""}])))
        (job / "manifest.json").write_text(json.dumps(dict(
            cell, job=job.name, commit="0" * 40, status="COMPLETED", exit_status=0,
            stages=[{"name": "", "exit_status": 0, "log_files": []}])))
    return sweep


def main(argv=None) -> int:
    from parsers import fastpath
    print("C fast path (parsers/_colscan): " + ("built" if fastpath.ENABLED else "NOT built (make parsers-ext)"))
    target = int(bp.MB * 1e6)
    OUT.mkdir(parents=True, exist_ok=True)
    bp.OUT.mkdir(parents=True, exist_ok=True)
    logs = {}
    for name, fw, _, maker, header, _ in bp.FORMATS:
        path = bp.OUT / f"{name}.log"
        bp.generate(path, maker, header, target)
        logs[name] = (fw, path)
    sweep = build_sweep(logs)
    py = sys.executable
    cli = 0.0
    for name, (fw, path) in logs.items():
        t, _, out = bp.best_of([py, "-m", f"parsers.{fw}", "--json", str(path)])
        if not out.strip():
            print(f"{name}: the parser printed nothing")
            return 1
        cli += t
    csv_path = OUT / "results.csv"
    col, rss, _ = bp.best_of([py, "-m", "orchestrator", "collect", str(sweep), "-o", str(csv_path), "--quiet"])
    rows = csv_path.read_text().splitlines()[1:]
    done = sum(",COMPLETED," in r for r in rows)
    n = len(logs)
    ratio = (col / n) / (cli / n)
    print(f"{n} logs of {bp.MB:g} MB ({', '.join(logs)}); CPU seconds, best of 2, fresh processes")
    print(f"parser CLI (--json), one call per log: {cli / n:.3f} s per log")
    print(f"collect, one call for the folder:      {col / n:.3f} s per log (peak RSS {rss:.0f} MB), "
          f"{done}/{n} rows COMPLETED")
    print(f"collect / parser CLI per log: {ratio:.2f}x  target <= 1.2x: {'ok' if ratio <= 1.2 else 'MISS'}")
    return 0 if done == n else 1


if __name__ == "__main__":
    sys.exit(main())
