"""``make demo``: the whole benchmark pipeline, for real, on this machine.

Runs every demo spec (``jobs/demo.yaml``, the recognition table in miniature, and
``jobs/demo-localization.yaml``, the localization table, when present) as one sweep through the
same commands a user types on a GPU cluster, each its own
process, so the demo exercises exactly the tool: ``orchestrator sweep`` (local executor, or the
one-node Slurm with ``--executor slurm``; waits with its progress bar), ``orchestrator
collect`` (results.csv), ``orchestrator report`` (one Markdown table per spec printed here,
HTML reports written next to the CSV). The sweep builds the environments the jobs' recipes
declare first (envs/recipes; progress on stderr). Every run gets its own folder, ``results/demo/<UTC time>/``: a
re-run never overwrites earlier results.

    python -m demo.run [--executor local|slurm] [--partition debug] [--set DEMO_EPOCHS=3] [--full]
"""
import argparse
import csv
import datetime
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPEC = ROOT / "jobs" / "demo.yaml"
DEMO_SPECS = (SPEC, ROOT / "jobs" / "demo-localization.yaml")
# the "then and now" extra (MMAction2 fd993ca beside 1.2.0): not one of the page's tables, so
# only with --full (`make demo DEMO_FULL=1`), which keeps the default demo inside its budget
FULL_SPECS = (ROOT / "jobs" / "demo-now.yaml",)


def demo_specs(full: bool = False) -> list:
    """The demo specs that exist, the recognition table first; with ``full`` the extras too."""
    return [p for p in DEMO_SPECS + (FULL_SPECS if full else ()) if p.is_file()]


def sweep_order(specs: list) -> list:
    """The specs in the order the sweep gets them: the localization table first.

    Why: the local executor's runners take the jobs from one queue in the sweep's order, and
    MMAction2's BSN (TEM + PGM + PEM, 165 s) is the longest job of all: last in the queue, it
    would leave the other runner idle for most of its time; first, it runs beside the original
    BSN while the short jobs fill in around it. (When the jobs were still dealt round-robin,
    the localization jobs last made the runners end 280 s apart in one loaded ``make demo``.)
    The tables are still reported in the page's order."""
    first = [p for p in specs if p.stem == "demo-localization"]
    return first + [p for p in specs if p not in first]


def report_commands(csv_path: pathlib.Path, out: pathlib.Path, spec: pathlib.Path,
                    first: bool) -> tuple:
    """(table, folder, HTML command, Markdown command) of one spec's report: its own table only
    (the CSV holds every spec's rows; without ``--table`` each report, and what the demo prints,
    repeated the other tables). The first spec's report keeps the plain names (results.md,
    report.html in the run's folder), the others get a folder of their own."""
    from orchestrator.spec.load import load_spec
    table = load_spec(str(spec)).table
    dest = out if first else out / spec.stem
    base = ("report", csv_path, "--spec", spec, "--table", table)
    return (table, dest, orchestrator(*base, "--format", "html", "-o", dest),
            orchestrator(*base, "--format", "md", "-o", dest))


def default_out() -> pathlib.Path:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return ROOT / "results" / "demo" / stamp


def orchestrator(*args) -> list:
    return [sys.executable, "-m", "orchestrator", *map(str, args)]


def step(title: str, argv: list, capture: bool = False,
         check: bool = True) -> subprocess.CompletedProcess:
    """Run one pipeline command (printed first, as a user would type it); stop on failure."""
    shown = " ".join(a if a != sys.executable else "python" for a in argv)
    print(f"\n== {title}: {shown}", file=sys.stderr, flush=True)
    proc = subprocess.run(argv, cwd=ROOT, text=True,
                          stdout=subprocess.PIPE if capture else None)
    if check and proc.returncode != 0:
        raise SystemExit(f"error: `{shown}` failed (exit {proc.returncode}); "
                         f"see the messages above")
    return proc


def run(args) -> int:
    out = pathlib.Path(args.out).resolve() if args.out else default_out()
    if out.exists():
        print(f"error: {out} already exists: give another --out (runs never overwrite)",
              file=sys.stderr)
        return 1
    t0 = time.monotonic()
    specs = demo_specs(args.full)
    sweep = ["sweep", *sweep_order(specs), "--executor", args.executor, "--partition", args.partition,
             "--out", out, "--wait"]
    # --parallel trainings at once (default 2 = one per core of a 2-core machine; every
    # training runs with one compute thread, so none shares a core with another)
    if args.executor == "slurm":
        # CPU trainings: ask for no GPU, so a CPU-only partition takes them too
        sweep += ["--array-parallelism", str(args.parallel), "--cpu-only"]
    else:
        sweep += ["--local-parallel", str(args.parallel)]
    for item in args.set or ():
        sweep += ["--set", item]
    if args.only:
        sweep += ["--only", args.only]
    # a failed training still gets its row (FAILED, with the reason) in the table: go on
    swept = step("sweep", orchestrator(*sweep), check=False)
    if swept.returncode not in (0, 1) or not (out / "sweep.json").is_file():
        raise SystemExit(f"error: the sweep did not start (exit {swept.returncode}); "
                         f"see the messages above")
    csv_path = out / "results.csv"
    step("collect", orchestrator("collect", out, "-o", csv_path))
    shown = []
    with open(csv_path, newline="") as f:
        present = {(row.get("table") or "").strip() for row in csv.DictReader(f)}
    for i, spec in enumerate(specs):
        table, dest, html, md = report_commands(csv_path, out, spec, first=i == 0)
        if table not in present:                               # --only left none of its jobs
            print(f"\n== report {spec.stem}: none of its jobs ran (--only), no table",
                  file=sys.stderr)
            continue
        step(f"report {spec.stem} (HTML)", html)
        rendered = step(f"report {spec.stem} (Markdown)", md)
        md_file = dest / "results.md"
        print()
        print(md_file.read_text() if md_file.is_file() else rendered.stdout or "", end="")
        shown.append((spec, md_file, dest / "report.html"))
    print(f"\nresults (one folder per run): {out}")
    print(f"  CSV:         {csv_path}")
    for spec, md, html in shown:
        print(f"  {spec.name}: Markdown {md}")
        print(f"  {spec.name}: HTML report: {html}")
    print(f"  wall time:   {time.monotonic() - t0:.0f} s")
    if swept.returncode != 0:
        print("error: some trainings failed: see their rows above and "
              f"{out}/jobs/<job>/stderr.log", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demo.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--executor", choices=("local", "slurm"), default="local",
                    help="local (default): here, one job after another; slurm: sbatch")
    ap.add_argument("--partition", default="debug", help="Slurm partition (slurm executor)")
    ap.add_argument("--out", help="results folder (default: results/demo/<UTC time>/)")
    ap.add_argument("--set", action="append", metavar="NAME=VALUE",
                    help="a demo spec variable, e.g. DEMO_EPOCHS=3 (repeatable)")
    ap.add_argument("--only", help="only the jobs whose name matches (see `sweep --only`)")
    ap.add_argument("--full", action="store_true",
                    help="also the extras beside the page's two tables: MMAction2 then (fd993ca) "
                         "and now (1.2.0), jobs/demo-now.yaml")
    ap.add_argument("--parallel", type=int, default=2, metavar="N",
                    help="trainings at once (default 2: one per core of a 2-core machine, each "
                         "training single-threaded; 1: one after another)")
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
