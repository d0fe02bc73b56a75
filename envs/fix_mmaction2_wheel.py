"""Repair the mmaction2 1.2.0 wheel in the current environment.

Why: the 1.2.0 wheel on PyPI ships without ``mmaction/models/localizers/drn/`` (upstream
issue #2714), yet ``mmaction/models/localizers/__init__.py`` imports it, so building *any*
model fails with ``No module named 'mmaction.models.localizers.drn'``. An empty ``DRN`` class is
enough for everything vidbench trains. Idempotent; does nothing when the module exists.
"""
import importlib.util
import pathlib
import sys


def main() -> int:
    spec = importlib.util.find_spec("mmaction")
    if spec is None or not spec.submodule_search_locations:
        print("fix_mmaction2_wheel: mmaction2 is not installed; nothing to fix", file=sys.stderr)
        return 0
    drn = pathlib.Path(list(spec.submodule_search_locations)[0]) / "models" / "localizers" / "drn"
    if (drn / "drn.py").exists():
        return 0
    drn.mkdir(parents=True, exist_ok=True)
    (drn / "__init__.py").write_text("from .drn import DRN\n\n__all__ = ['DRN']\n")
    (drn / "drn.py").write_text(
        '"""Stand-in written by vidbench: the 1.2.0 wheel lacks this module (mmaction2 #2714)."""\n'
        "from mmaction.registry import MODELS\n\n\n"
        "@MODELS.register_module()\n"
        "class DRN:\n"
        "    def __init__(self, *args, **kwargs):\n"
        "        raise NotImplementedError('DRN is missing from the mmaction2 1.2.0 wheel')\n"
    )
    print(f"fix_mmaction2_wheel: wrote {drn}/drn.py", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
