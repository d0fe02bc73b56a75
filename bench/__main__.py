"""``make bench``: run every benchmark module ``bench/bench_*.py`` and print its report.

Why a runner of our own: each benchmark measures its own baseline in the same run (grep, a
naive parser, a bare ``sbatch --array``, a training without the probe) and prints ratios, so
the targets hold on any machine. A module defines ``main(argv) -> int`` and prints its own
lines; ``python -m bench parsers`` runs only the modules whose name contains ``parsers``.
"""
import argparse
import importlib
import pathlib
import sys
import time


def discover(patterns):
    here = pathlib.Path(__file__).parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    return [n for n in names if not patterns or any(pat in n for pat in patterns)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("only", nargs="*", help="run only benchmarks whose module name contains one of these")
    args = ap.parse_args(argv)
    names = discover(args.only)
    if not names:
        print("bench: no benchmark module matches", args.only, file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        rc = importlib.import_module(f"bench.{name}").main([])
        print(f"== {name}: {'ok' if rc == 0 else f'FAILED (exit {rc})'} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
