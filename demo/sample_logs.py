"""Regenerate ``tests/demo_logs/`` and ``tests/framework_logs/``: sample logs captured from real
demo trainings.

The parser tests need real output of the frameworks and of the timing probe, not imitations;
this runs the demo's TSN-on-rawframes cell (short) through the real pipeline (``python -m
demo.run``) and copies, per framework column, the framework's own log files and one process's
probe records, with fixed names, plus ``SOURCE.json`` (what ran, where, when). Logs of a pinned
framework go to ``framework_logs/<framework>-<commit7>/`` (other frameworks add theirs to
WANTED in the same shape), today's MMAction2 to ``demo_logs/``:

    tests/framework_logs/mmaction2-fd993ca/{mmcv.log, mmcv.log.json, probe.jsonl}
    tests/demo_logs/mmaction2-1.2.0/{mmengine.log, scalars.json, probe.jsonl}

    python -m demo.sample_logs tests            # runs a short sweep (a few minutes)
    python -m demo.sample_logs tests --from results/demo/<run>   # copy from a run
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CELL = "demo--tsn-r18--56px-rawframes--"
# framework column -> (folder under the destination, [(glob under logs/main, stored name)])
WANTED = {
    "mmaction2": ("framework_logs/mmaction2-fd993ca",
                  [("**/*.log", "mmcv.log"), ("**/*.log.json", "mmcv.log.json")]),
    "mmaction2-now": ("demo_logs/mmaction2-1.2.0", [("**/*.log", "mmengine.log"),
                                                  ("**/vis_data/scalars.json", "scalars.json")]),
}
SHORT_RUN = ["DEMO_ITERS=60", "DEMO_EPOCHS=2"]


def largest_probe_file(probe_dir: pathlib.Path) -> pathlib.Path:
    """The training process's records (the one with iterations; helpers have none)."""
    files = sorted(probe_dir.glob("*.jsonl"), key=lambda p: (-p.stat().st_size, p.name))
    if not files:
        raise SystemExit(f"error: no probe records in {probe_dir}")
    return files[0]


def copy_samples(sweep: pathlib.Path, dest: pathlib.Path) -> list:
    """Copy the sample files of the TSN rawframes jobs of ``sweep`` into ``dest``."""
    written = []
    for framework, (folder, files) in WANTED.items():
        job = sweep / "jobs" / f"{CELL}{framework}--r0"
        manifest = json.loads((job / "manifest.json").read_text())
        if manifest.get("status") != "COMPLETED":
            raise SystemExit(f"error: {job} did not complete ({manifest.get('status')}): "
                             f"see {job / 'stderr.log'}")
        out = dest / folder
        out.mkdir(parents=True, exist_ok=True)
        sources = {}
        for pattern, name in files:
            found = sorted(p for p in (job / "logs" / "main").glob(pattern)
                           if not (name == "mmcv.log" and p.name.endswith(".log.json")))
            if not found:
                raise SystemExit(f"error: no {pattern} in {job / 'logs' / 'main'}")
            shutil.copyfile(found[0], out / name)
            sources[name] = str(found[0].relative_to(sweep))
        probe = largest_probe_file(job / "probe" / "main")
        shutil.copyfile(probe, out / "probe.jsonl")
        sources["probe.jsonl"] = str(probe.relative_to(sweep))
        source = {key: manifest.get(key) for key in
                  ("job", "framework", "repo", "commit", "command", "host", "python", "libraries",
                   "compat_mode", "started", "finished", "status")}
        env = manifest.get("environment") or {}
        source["environment"] = {k: env.get(k) for k in ("recipe", "hash", "python")}
        source["files"] = sources
        (out / "SOURCE.json").write_text(json.dumps(source, indent=1, sort_keys=True) + "\n")
        written += sorted(str(p.relative_to(dest)) for p in out.iterdir())
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demo.sample_logs",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("dest", help="folder to (re)write into, e.g. tests")
    ap.add_argument("--from", dest="sweep", help="copy from this demo sweep folder instead of "
                                                 "running one")
    args = ap.parse_args(argv)
    dest = pathlib.Path(args.dest)
    if args.sweep:
        written = copy_samples(pathlib.Path(args.sweep), dest)
    else:
        with tempfile.TemporaryDirectory(prefix="vidbench-samples-", dir=ROOT / "results"
                                         if (ROOT / "results").is_dir() else None) as tmp:
            out = pathlib.Path(tmp) / "sweep"
            cmd = [sys.executable, "-m", "demo.run", "--out", str(out),
                   "--only", CELL.rstrip("-")] + [a for s in SHORT_RUN for a in ("--set", s)]
            if subprocess.run(cmd, cwd=ROOT).returncode != 0:
                return 1
            written = copy_samples(out, dest)
    for name in written:
        print(dest / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
