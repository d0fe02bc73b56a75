"""Interpreter discovery (orchestrator/envs/interpreters.py): the documented order, and every
candidate actually run before it is taken."""
import sys
from pathlib import Path

import pytest

from orchestrator.envs.interpreters import env_var, find_interpreter
from orchestrator.errors import UserError

PY = "%d.%d" % sys.version_info[:2]
REAL = str(Path(sys.executable).resolve())


def fake_pyenv(root: Path, versions) -> Path:
    for v in versions:
        bindir = root / "versions" / v / "bin"
        bindir.mkdir(parents=True)
        (bindir / f"python{PY}").symlink_to(REAL)
    return root


def test_the_explicit_variable_wins_and_must_work(tmp_path):
    environ = {"PATH": "", "HOME": str(tmp_path), env_var(PY): sys.executable}
    found = find_interpreter(PY, environ)
    assert (found.path, found.version, found.found_by) == (REAL, "%d.%d.%d" % sys.version_info[:3], "env")
    broken = tmp_path / "python-broken"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(UserError, match=f"{env_var(PY)}={broken} is not a working Python {PY}"):
        find_interpreter(PY, {"PATH": "", "HOME": str(tmp_path), env_var(PY): str(broken)})


def test_pyenv_is_searched_newest_patch_first_after_path(tmp_path):
    root = fake_pyenv(tmp_path / "pyenv", [f"{PY}.1", f"{PY}.10", f"{PY}.9"])
    found = find_interpreter(PY, {"PATH": "", "PYENV_ROOT": str(root), "HOME": str(tmp_path)})
    assert found.found_by == "pyenv" and found.path == REAL
    shim = tmp_path / "shims"
    shim.mkdir()
    (shim / f"python{PY}").write_text("#!/bin/sh\necho 'pyenv: version not selected' >&2; exit 127\n")
    (shim / f"python{PY}").chmod(0o755)
    found = find_interpreter(PY, {"PATH": str(shim), "PYENV_ROOT": str(root), "HOME": str(tmp_path)})
    assert found.found_by == "pyenv"          # the shim that does not answer is passed over


def test_nothing_found_says_what_was_tried_and_how_to_point_at_one(tmp_path):
    with pytest.raises(UserError) as err:
        find_interpreter("3.1", {"PATH": "", "HOME": str(tmp_path)})
    message = str(err.value)
    assert "no Python 3.1 found" in message and "VIDBENCH_PYTHON_3_1=/path/to/python3.1" in message
    assert "pyenv install 3.1" in message and "\n" not in message
