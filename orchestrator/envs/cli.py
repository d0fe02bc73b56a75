"""``python -m orchestrator env build|list|path``: the command line of environments."""
from __future__ import annotations

import sys

from orchestrator.envs.build import DEFAULT_PARALLEL, EnvStore, env_root


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "env", help="build, list and locate the environments of envs/recipes/",
        description="Environments declared as recipes (envs/recipes/<name>.yaml), built once per "
                    "recipe hash under $VIDBENCH_ENV_DIR (default ~/.cache/vidbench/envs).")
    sub = p.add_subparsers(dest="env_command", metavar="ACTION")
    b = sub.add_parser("build", help="build environments (all when none is named)",
                       description="Build the named environments (their layers first), or all; "
                                   "an environment already built is left as it is.")
    b.add_argument("names", nargs="*", metavar="NAME", help="recipe name(s)")
    b.add_argument("-j", "--parallel", type=int, default=DEFAULT_PARALLEL, metavar="N",
                   help=f"environments built at once (default {DEFAULT_PARALLEL}: downloads "
                        f"overlap the compile steps)")
    b.set_defaults(func=_build)
    ls = sub.add_parser("list", help="every recipe: hash, interpreter, size, when built")
    ls.set_defaults(func=_list)
    pa = sub.add_parser("path", help="print a built environment's folder (exit 1 if not built)")
    pa.add_argument("name", metavar="NAME")
    pa.set_defaults(func=_path)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def _build(args) -> int:
    store = EnvStore()
    names = args.names or sorted(store.recipes)
    for name in names:
        store.recipe(name)  # unknown names fail before anything is built
    store.build_many(names, parallel=max(1, args.parallel))
    return 0


def _list(args) -> int:
    store = EnvStore()
    rows = store.rows()
    print(f"environments in {env_root()}")
    widths = {k: max([len(k)] + [len(r[k]) for r in rows]) for k in ("name", "hash", "size", "built")}
    print(f"{'name':<{widths['name']}}  {'hash':<{widths['hash']}}  {'size':>{widths['size']}}  "
          f"{'built':<{widths['built']}}  interpreter")
    for r in rows:
        print(f"{r['name']:<{widths['name']}}  {r['hash']:<{widths['hash']}}  "
              f"{r['size']:>{widths['size']}}  {r['built']:<{widths['built']}}  {r['interpreter']}")
    return 0


def _path(args) -> int:
    print(EnvStore().require(args.name))
    return 0
