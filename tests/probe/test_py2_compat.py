"""The injected modules run on Python 2.7 (BSN's TensorFlow 1.x era) and 3.x.

Always: a syntax check of every injected module for constructs Python 2.7 cannot parse or run
(f-strings, annotations, keyword-only arguments, nonlocal, async, ``yield from``, ``a, *b = ...``,
``super()`` without arguments, ``print`` with several arguments, ``@``, ``:=``).
Where a Python 2.7 interpreter exists (pyenv, Debian's python2.7): a real probed run under it,
with a stand-in for torch 1.x (``standin_torch1/``, a test double: no torch runs on 2.7 here).
"""
import ast
import glob
import json
import os
import pathlib
import subprocess

import pytest

from orchestrator.probe import INJECT_DIR, probe_env

HERE = pathlib.Path(__file__).resolve().parent
INJECTED = sorted(INJECT_DIR.glob("*.py"))


def py3_only_constructs(source, filename):
    tree = ast.parse(source, filename)
    found = []
    future = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "__future__"
              for a in n.names}
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        kinds = {ast.JoinedStr: "f-string", ast.AnnAssign: "annotation", ast.Nonlocal: "nonlocal",
                 ast.AsyncFunctionDef: "async def", ast.Await: "await", ast.AsyncFor: "async for",
                 ast.AsyncWith: "async with", ast.YieldFrom: "yield from", ast.NamedExpr: ":=",
                 ast.MatMult: "@ operator"}
        for kind, name in kinds.items():
            if isinstance(node, kind):
                found.append(f"{where}: {name}")
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            args = node.args
            if args.kwonlyargs or args.posonlyargs:
                found.append(f"{where}: keyword-only/positional-only arguments")
            annotated = [a for a in args.args + args.kwonlyargs if a.annotation is not None]
            if annotated or getattr(node, "returns", None) is not None:
                found.append(f"{where}: annotation")
        if isinstance(node, ast.Starred) and isinstance(node.ctx, ast.Store):
            found.append(f"{where}: starred assignment")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "super" and not node.args:
                found.append(f"{where}: super() without arguments")
            if node.func.id == "print" and "print_function" not in future and (len(node.args) > 1 or node.keywords):
                found.append(f"{where}: print() with several arguments")
        if isinstance(node, ast.Raise) and node.cause is not None:
            found.append(f"{where}: raise ... from")
    return found


def test_the_checker_catches_py3_only_syntax():
    bad = "def f(a: int, *, b=1) -> None:\n    x = f'{a}'\n    nonlocal_ = super()\n    return None\n"
    kinds = " ".join(py3_only_constructs(bad, "bad.py"))
    for expected in ("f-string", "annotation", "keyword-only", "super()"):
        assert expected in kinds


@pytest.mark.parametrize("path", INJECTED, ids=lambda p: p.name)
def test_injected_module_has_no_py3_only_syntax(path):
    assert py3_only_constructs(path.read_text(), path.name) == []


def find_python27():
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/2.7*/bin/python2.7")))
    candidates += ["/usr/bin/python2.7", "/usr/local/bin/python2.7"]
    for exe in candidates:
        if os.access(exe, os.X_OK):
            try:
                out = subprocess.run([exe, "-c", "import sys; print(sys.version_info[:2] == (2, 7))"],
                                     capture_output=True, text=True, timeout=30)
            except OSError:
                continue
            if out.stdout.strip() == "True":
                return exe
    return None


PY2_TRAIN = """
import sys, time
import torch
class Nested(torch.optim.SGD):
    def step(self, closure=None):
        return super(Nested, self).step(closure)
opt = Nested([1.0])
for i in range(8):
    opt.step()
    time.sleep(0.01)
print "steps", 8, sys.version_info[0]
"""


def test_a_probed_run_under_python27(tmp_path):
    python27 = find_python27()
    if python27 is None:
        pytest.skip("no Python 2.7 interpreter here (pyenv 2.7 or Debian python2.7); syntax checked above")
    (tmp_path / "train.py").write_text(PY2_TRAIN)
    env = probe_env(tmp_path / "probe", dict(os.environ, PYTHONPATH=str(HERE / "standin_torch1")))
    env.pop("PYTHONHOME", None)
    proc = subprocess.run([python27, "train.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "steps 8 2\n", "")
    files = list((tmp_path / "probe").glob("probe-*.jsonl"))
    assert len(files) == 1
    records = [json.loads(line) for line in files[0].read_text().splitlines()]
    header, iters, footer = records[0], records[1:-1], records[-1]
    assert header["python"].startswith("2.7.") and header["marker"] == "torch_step_wrap"
    assert header["torch"] == "1.1.0+standin"
    assert [r["i"] for r in iters] == list(range(1, 9))
    assert all(r["dt"] >= 0.01 for r in iters[1:])
    assert footer["kind"] == "footer" and footer["n_iter"] == 8
