"""Finding the interpreter a recipe asks for (``python: "3.7"``), in a documented order.

1. ``$VIDBENCH_PYTHON_3_7``: an explicit path (a cluster module's python, a container's);
   when set it must work, it is never silently passed over.
2. ``python3.7`` on ``PATH`` (pyenv's shims are skipped unless they answer for that version).
3. pyenv: ``${PYENV_ROOT:-~/.pyenv}/versions/3.7.*/bin/python3.7``, newest patch release first.
4. conda: ``<conda base>/bin/python3.7`` and ``<conda base>/envs/*/bin/python3.7`` (the base from
   ``$CONDA_EXE`` or ``$CONDA_PREFIX``).

Every candidate is run once (``-c`` printing its version and executable), so a shim or a broken
link is never taken for an interpreter.
"""
from __future__ import annotations

import dataclasses
import glob
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

from orchestrator.errors import UserError

_PROBE = "import sys; print('%d.%d.%d' % sys.version_info[:3]); print(sys.executable)"


@dataclasses.dataclass(frozen=True)
class Interpreter:
    path: str       # what to run (real path, links resolved)
    version: str    # e.g. 3.7.16
    found_by: str   # which rule found it (env, PATH, pyenv, conda)


def env_var(version: str) -> str:
    return "VIDBENCH_PYTHON_" + version.replace(".", "_")


def _ask(path: str) -> Optional[Tuple[str, str]]:
    try:
        out = subprocess.run([path, "-c", _PROBE], capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = out.stdout.split()
    if out.returncode != 0 or len(lines) != 2:
        return None
    return lines[0], lines[1]


def _version_key(path: str):
    m = re.search(r"/versions/(\d+)\.(\d+)\.(\d+)", path)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def candidates(version: str, environ=None) -> Iterator[Tuple[str, str]]:
    """(found_by, path) in discovery order, not yet checked."""
    environ = os.environ if environ is None else environ
    exe = f"python{version}"
    on_path = shutil.which(exe, path=environ.get("PATH"))
    if on_path:
        yield "PATH", on_path
    root = environ.get("PYENV_ROOT") or os.path.join(environ.get("HOME", "~"), ".pyenv")
    for path in sorted(glob.glob(os.path.join(os.path.expanduser(root), "versions",
                                              f"{version}.*", "bin", exe)),
                       key=_version_key, reverse=True):
        yield "pyenv", path
    bases = []
    if environ.get("CONDA_EXE"):
        bases.append(str(Path(environ["CONDA_EXE"]).resolve().parent.parent))
    if environ.get("CONDA_PREFIX"):
        bases.append(environ["CONDA_PREFIX"])
    for base in dict.fromkeys(bases):
        for path in [os.path.join(base, "bin", exe)] + sorted(
                glob.glob(os.path.join(base, "envs", "*", "bin", exe))):
            if os.path.exists(path):
                yield "conda", path


def find_interpreter(version: str, environ=None) -> Interpreter:
    """The first working interpreter of ``version`` (major.minor), else a UserError saying what
    was tried and how to point vidbench at one."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(env_var(version))
    if explicit:
        got = _ask(explicit)
        if not got or not (got[0] + ".").startswith(version + "."):
            raise UserError(f"{env_var(version)}={explicit} is not a working Python {version} "
                            f"(it answered {got[0] if got else 'nothing'})")
        return Interpreter(str(Path(got[1]).resolve()), got[0], "env")
    tried: List[str] = []
    for found_by, path in candidates(version, environ):
        got = _ask(path)
        if got and (got[0] + ".").startswith(version + "."):
            return Interpreter(str(Path(got[1]).resolve()), got[0], found_by)
        tried.append(path)
    raise UserError(
        f"no Python {version} found ({env_var(version)} unset; tried "
        f"{', '.join(tried) or f'python{version} on PATH, pyenv, conda: none present'}); "
        f"install one (e.g. `pyenv install {version}`) or set {env_var(version)}=/path/to/python{version}")
