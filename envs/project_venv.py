"""Make the project's own virtual environment (``.venv``), once per distinct set of requirements.

Why: installing it (torch 2.13, TensorFlow, mmaction2 1.2.0, ...) takes about two minutes, and
every fresh clone used to pay them again, a fifth of ``make demo``'s budget. Like the
frameworks' environments (``orchestrator/envs/build.py``), it is cached outside the clone by a
hash of what it is made from (the interpreter, ``requirements.txt``,
``envs/fix_mmaction2_wheel.py`` and the steps below, by their version): ``.venv`` becomes a link to
``~/.cache/vidbench/venvs/vidbench-<hash>``, built once and shared by every clone that has the
same requirements. A change to any of them makes a new one.

Safe against interruption and against two clones at once: the build holds a lock, and a
finished environment carries a marker written last; a folder without it is half-built and is
removed and made again. A venv is not relocatable (its scripts name their own path), so it is
built where it stays, instead of being renamed into place.

Run with the interpreter the venv is made from (stdlib only, nothing installed yet)::

    python3 envs/project_venv.py .venv ~/.cache/vidbench/venvs   # link .venv to the cached one
    python3 envs/project_venv.py .venv ''                        # no cache: build in .venv

A ``.venv`` that is a real folder (a clone from before the cache, or ``VENV_CACHE=``) is kept
and brought up to date in place.
"""
import fcntl
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
INPUTS = (ROOT / "requirements.txt", HERE / "fix_mmaction2_wheel.py")
STEPS_VERSION = 1            # raise it when ``build`` changes what it makes
TORCH = "torch==2.13.0"      # first and alone: requirements.txt pins it too, but a resolver that
                             # met an unpinned torch in a dependency would pull CUDA packages
MARKER = ".vidbench-complete"


def key() -> str:
    """What the environment is made from, hashed: the interpreter and the input files."""
    h = hashlib.sha256()
    h.update(f"{os.path.realpath(sys.executable)}\n{sys.version}\n{STEPS_VERSION} {TORCH}\n".encode())
    for path in INPUTS:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def build(venv: pathlib.Path) -> None:
    """Create ``venv`` and install the requirements into it; the marker is written last."""
    py = venv / "bin" / "python"
    if not os.access(py, os.X_OK):
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run(pip + [TORCH], check=True)
    subprocess.run(pip + ["-r", str(ROOT / "requirements.txt")], check=True)
    subprocess.run([str(py), str(HERE / "fix_mmaction2_wheel.py")], check=True)
    (venv / MARKER).write_text(key() + "\n")


def complete(venv: pathlib.Path) -> bool:
    try:
        return (venv / MARKER).read_text().strip() == key()
    except OSError:
        return False


def cached(cache: pathlib.Path) -> pathlib.Path:
    """The cached environment for this key, built under the lock if it is not complete."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"vidbench-{key()}"
    if complete(target):
        return target
    with open(cache / f".vidbench-{key()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)      # another clone building it: wait, then reuse
        if not complete(target):
            if target.exists():               # left by a build that died; we hold the lock
                shutil.rmtree(target)
            print(f"make venv: building the project environment {target} (once; about 2 min)",
                  file=sys.stderr)
            build(target)
    return target


def link(venv: pathlib.Path, target: pathlib.Path) -> None:
    """Point ``venv`` at ``target``, atomically (a new link renamed over the old one)."""
    if venv.is_symlink() and os.readlink(venv) == str(target):
        return
    tmp = venv.with_name(venv.name + "-link-tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target, target_is_directory=True)
    os.replace(tmp, venv)


def main(argv) -> int:
    if len(argv) != 2 or argv[0] in ("-h", "--help"):
        print(__doc__.strip().split("\n\n")[0] + "\n\nusage: python3 envs/project_venv.py VENV CACHE_DIR"
              " (CACHE_DIR '': build in VENV)", file=sys.stderr if len(argv) != 1 else sys.stdout)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    venv, cache = pathlib.Path(argv[0]), argv[1]
    try:
        if cache and not (venv.exists() and not venv.is_symlink()):
            link(venv, cached(pathlib.Path(cache).expanduser()))
        elif not complete(venv):
            build(venv)
    except subprocess.CalledProcessError as exc:
        print(f"make venv: {' '.join(exc.cmd[:4])} ... failed (exit {exc.returncode}); "
              "fix the cause above and run `make venv` again", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
