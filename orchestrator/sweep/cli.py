"""``python -m orchestrator sweep|status|resume|cancel``: the command line of sweeps.

Only argument parsing and printing live here; the work is in ``orchestrator.sweep.start``,
``status`` and ``control``.
``sweep`` prints the sweep folder on stdout (and nothing else), so that scripts can do
``SWEEP=$(python -m orchestrator sweep jobs/recognition.yaml --partition gpu)``; progress and
notes go to stderr.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from orchestrator.sweep.control import cancel, resume, wait
from orchestrator.sweep.options import SweepOptions
from orchestrator.sweep.start import dry_run, start_sweep
from orchestrator.sweep.status import job_statuses, summary
from orchestrator.errors import UserError
from orchestrator.sweep.sweepdir import SweepDir


def _key_value(text: str) -> tuple:
    if "=" not in text or not text.split("=", 1)[0]:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    k, v = text.split("=", 1)
    return k, v


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {text!r}")
    return n


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "sweep", help="launch the jobs of one or more sweep specs (does not wait)",
        description="Expand sweep specs (jobs/*.yaml) into pinned checkouts and jobs, submit "
                    "them (Slurm job arrays, or --executor local), print the sweep folder.")
    p.add_argument("specs", nargs="+", metavar="JOBS.yaml", type=Path, help="sweep spec file(s)")
    p.add_argument("--partition", required=True, help="Slurm partition (sbatch --partition)")
    p.add_argument("--out", type=Path, metavar="SWEEP_DIR",
                   help="sweep folder (default: a new results/sweep-<time>-<tables>/); "
                        "refused if it already holds a sweep")
    p.add_argument("--only", metavar="PATTERN",
                   help="run only jobs whose name matches (glob like '*tsn*mmaction2*', or a "
                        "substring; comma-separated for several)")
    p.add_argument("--executor", choices=("slurm", "local"), default="slurm",
                   help="slurm (default) or local: run here, one job after another")
    p.add_argument("--repeats", type=_positive, default=1, metavar="N",
                   help="launches per entry (default 1)")
    p.add_argument("--dry-run", action="store_true",
                   help="print the sbatch script and command.sh of every job; submit nothing")
    p.add_argument("--wait", action="store_true", help="wait for the jobs, with a progress bar")
    p.add_argument("--set", dest="variables", action="append", type=_key_value, default=[],
                   metavar="NAME=VALUE", help="value of a spec variable (e.g. a data root)")
    p.add_argument("--account", help="sbatch --account")
    p.add_argument("--qos", help="sbatch --qos")
    p.add_argument("--constraint", help="sbatch --constraint")
    p.add_argument("--slurm-arg", dest="slurm_args", action="append", type=_key_value,
                   default=[], metavar="KEY=VALUE",
                   help="any other sbatch option, passed through (e.g. reservation=bench)")
    p.add_argument("--array-parallelism", type=_positive, default=256, metavar="N",
                   help="at most N jobs of an array run at once (sbatch --array=...%%N)")
    p.add_argument("--local-parallel", type=_positive, default=1, metavar="N",
                   help="local executor: N jobs at once (default 1: one after another, so "
                        "trainings do not share the CPU)")
    p.add_argument("--cpu-only", action="store_true",
                   help="request no GPUs from Slurm (CPU trainings such as the demo table)")
    p.add_argument("--cache", dest="cache_dir", type=Path,
                   help="checkout cache (default $VIDBENCH_CACHE or .cache/checkouts); must be "
                        "on a file system the compute nodes share")
    p.add_argument("--bundles", dest="bundle_dirs", action="append", type=Path, default=[],
                   metavar="DIR", help="folder of git bundles standing in for repository URLs "
                                       "(default ../shared/frameworks where it exists)")
    p.add_argument("--mirror", dest="mirrors", action="append", type=_key_value, default=[],
                   metavar="URL=PATH", help="a local mirror or bundle for a repository URL")
    p.add_argument("--no-probe", dest="probe", action="store_false",
                   help="do not run the timing probe inside the trainings")
    p.set_defaults(func=cmd_sweep)

    p = subparsers.add_parser("status", help="state of every job of a sweep",
                              description="State of every job of a sweep, from its folder and "
                                          "the scheduler (works after the submitter is gone).")
    p.add_argument("sweep_dir", type=Path, metavar="SWEEP_DIR")
    p.add_argument("--json", action="store_true", help="one JSON object per job")
    p.set_defaults(func=cmd_status)

    p = subparsers.add_parser("resume", help="resubmit the jobs of a sweep that did not finish",
                              description="Skip finished and live jobs; resubmit failed, "
                                          "cancelled, timed-out and never-submitted ones. A "
                                          "finished result is never overwritten.")
    p.add_argument("sweep_dir", type=Path, metavar="SWEEP_DIR")
    p.add_argument("--wait", action="store_true", help="wait for the jobs, with a progress bar")
    p.set_defaults(func=cmd_resume)

    p = subparsers.add_parser("cancel", help="cancel the jobs of a sweep that have not ended")
    p.add_argument("sweep_dir", type=Path, metavar="SWEEP_DIR")
    p.set_defaults(func=cmd_cancel)


def options_from_args(args) -> SweepOptions:
    return SweepOptions(
        partition=args.partition, executor=args.executor, repeats=args.repeats, only=args.only,
        out=args.out.absolute() if args.out else None, account=args.account, qos=args.qos,
        constraint=args.constraint, slurm_args=dict(args.slurm_args),
        variables=dict(args.variables),
        cache_dir=args.cache_dir.absolute() if args.cache_dir else None,
        bundle_dirs=[str(b.absolute()) for b in args.bundle_dirs], mirrors=dict(args.mirrors),
        probe=args.probe, array_parallelism=args.array_parallelism,
        local_parallel=args.local_parallel, cpu_only=args.cpu_only,
        results_dir=Path("results").absolute())


def cmd_sweep(args) -> int:
    opts = options_from_args(args)
    if args.dry_run:
        return dry_run(args.specs, opts)
    sweep = start_sweep(args.specs, opts)
    print(sweep.root, flush=True)
    if args.wait:
        return _wait_and_report(sweep)
    return 0


def _wait_and_report(sweep: SweepDir) -> int:
    statuses = wait(sweep, progress=True)
    print_table(statuses, sys.stderr)
    bad = [s for s in statuses if s.state != "COMPLETED"]
    if bad:
        print(f"{len(bad)} job(s) did not complete: `python -m orchestrator resume {sweep.root}` "
              f"resubmits them", file=sys.stderr)
        return 1
    return 0


def print_table(statuses, out) -> None:
    width = max([len(s.name) for s in statuses] + [3])
    print(f"{'JOB':<{width}}  {'STATE':<11} {'JOB ID':<12} {'TRY':>3}  REASON", file=out)
    for s in statuses:
        print(f"{s.name:<{width}}  {s.state:<11} {s.job_id or '-':<12} {s.attempt or '-':>3}  "
              f"{s.reason or ''}", file=out)


def cmd_status(args) -> int:
    sweep = SweepDir.open(args.sweep_dir)
    statuses = job_statuses(sweep)
    if args.json:
        for s in statuses:
            print(json.dumps(s.__dict__))
        return 0
    print(f"{sweep.root}: {len(statuses)} job(s): {summary(statuses)}")
    print_table(statuses, sys.stdout)
    return 0


def cmd_resume(args) -> int:
    sweep = SweepDir.open(args.sweep_dir)
    names, before = resume(sweep)
    kept = sum(s.state == "COMPLETED" for s in before)
    live = sum(s.state in ("PENDING", "RUNNING") for s in before)
    print(f"{sweep.root}: resubmitted {len(names)} job(s); {kept} completed kept, "
          f"{live} still queued or running", file=sys.stderr)
    for n in names:
        print(f"  resubmitted {n}", file=sys.stderr)
    for s in before:
        if s.state in ("INSPECT", "MISSING"):
            print(f"  not resubmitted ({s.state}): {s.name}: {s.reason}", file=sys.stderr)
    print(sweep.root, flush=True)
    if args.wait:
        return _wait_and_report(sweep)
    return 0


def cmd_cancel(args) -> int:
    sweep = SweepDir.open(args.sweep_dir)
    names = cancel(sweep)
    print(f"{sweep.root}: cancelled {len(names)} job(s) that had not ended", file=sys.stderr)
    for n in names:
        print(f"  cancelled {n}", file=sys.stderr)
    return 0


__all__ = ["add_parser", "UserError"]
