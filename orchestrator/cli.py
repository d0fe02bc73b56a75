"""Command line of the orchestrator: ``python -m orchestrator SUBCOMMAND ...``.

Each subcommand lives in its own module, which exposes ``add_parser(subparsers)``: it adds its
parser and sets ``func(args) -> int`` as the default. This file only lists them, so that the
parts (sweeps, probe, collect, report) stay independent. User errors are raised as
:class:`orchestrator.errors.UserError` and printed as one line, without a traceback.
"""
import argparse
import importlib
import sys

from orchestrator.errors import UserError

# module, in the order `--help` lists them
SUBCOMMAND_MODULES = (
    "orchestrator.sweep.cli",   # sweep, status, resume, cancel
    "orchestrator.probe",       # probe
    "orchestrator.results.collect",     # collect
    "orchestrator.results.report",      # report
    "orchestrator.envs.cli",    # env build, env list, env path
)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m orchestrator",
        description="Run the vidbench sweeps, probe trainings, collect and report results.",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    return ap


def main(argv=None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if not getattr(args, "func", None):
        ap.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
