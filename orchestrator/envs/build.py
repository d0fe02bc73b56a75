"""Building and caching the environments that recipes declare (asv-style: one per hash).

Layout: ``${VIDBENCH_ENV_DIR:-~/.cache/vidbench/envs}/<name>-<hash12>/`` is a complete virtual
environment (venv for Python 3, virtualenv for Python 2) with ``vidbench-env.json`` inside
(recipe name, hash, interpreter path and version, built time, size, ``pip freeze``).

Why it is built the way it is:

- *Never half-built.* An environment is built in the sibling folder ``.<name>-<hash11>`` and
  renamed to its final name only when every step succeeded; the final name exists only for a
  complete environment. The temporary name has exactly the final name's length, so after the
  build every occurrence of the temporary path in the environment's files (script shebangs,
  ``activate``, an FFmpeg built with that prefix, ``.pyc`` files) is replaced by the final path
  byte for byte without changing any file's length (what conda does for its prefixes).
- *One build at a time per environment.* Several users (and test runs) share the folder: an
  ``fcntl`` lock per environment makes the second builder wait, then find it built.
- *Torch once.* A recipe's ``layers`` are built first and their site-packages put on the new
  environment's path by a ``.pth`` file (after its own site-packages, so its own pins win).
- *A failed build says where.* The step that failed, the last line pip printed, and the whole
  log kept as ``<name>-<hash>.failed.log`` beside the environments.
"""
from __future__ import annotations

import datetime
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

from orchestrator.envs import recipe as rc
from orchestrator.envs.interpreters import Interpreter, find_interpreter
from orchestrator.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RECIPES_DIR = PROJECT_ROOT / "envs" / "recipes"
INFO_FILE = "vidbench-env.json"
# environments `env build` and a sweep build at once (EnvStore.build_many)
DEFAULT_PARALLEL = 3
LAYERS_PTH = "_vidbench_layers.pth"
_PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"


def env_root(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("VIDBENCH_ENV_DIR") or
                Path(environ.get("HOME", "~")).expanduser() / ".cache" / "vidbench" / "envs")


def load_recipes(recipes_dir: Path = RECIPES_DIR) -> Dict[str, rc.Recipe]:
    """Every ``<name>.yaml`` of the recipes folder, by name (RecipeError -> UserError)."""
    out = {}
    for path in sorted(Path(recipes_dir).glob("*.yaml")):
        try:
            out[path.stem] = rc.parse_recipe(path.read_text(), str(path), expected_name=path.stem)
        except rc.RecipeError as exc:
            raise UserError(str(exc)) from None
    return out


def _du(path: Path) -> int:
    """Bytes of the files under ``path`` (links not followed, hard links once)."""
    seen, total = set(), 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            st = os.lstat(os.path.join(dirpath, f))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total


def human_size(n: Optional[int]) -> str:
    """1.6 GB, 240 MB, 12 KB: sizes as ``du -sh`` users read them."""
    if n is None:
        return "-"
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def relocate(tree: Path, old: str, new: str) -> int:
    """Replace the path ``old`` by ``new`` (same length) in every file and link under ``tree``;
    returns how many were changed."""
    old_b, new_b = old.encode(), new.encode()
    if len(old_b) != len(new_b):
        raise ValueError("relocate needs paths of one length")
    changed = 0
    for dirpath, dirs, files in os.walk(tree):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                target = os.readlink(path)
                if old in target:
                    os.unlink(path)
                    os.symlink(target.replace(old, new), path)
                    changed += 1
                continue
            with open(path, "rb") as fh:
                data = fh.read()
            if old_b in data:
                mode = os.stat(path).st_mode
                os.chmod(path, mode | 0o200)
                with open(path, "r+b") as fh:
                    fh.write(data.replace(old_b, new_b))
                os.chmod(path, mode)
                changed += 1
    return changed


class BuildFailed(UserError):
    pass


class EnvStore:
    """The recipes of a project and the environments built from them under ``root``."""

    def __init__(self, root: Optional[Path] = None, recipes_dir: Path = RECIPES_DIR,
                 project_root: Path = PROJECT_ROOT, environ=None):
        self.environ = dict(os.environ if environ is None else environ)
        self.root = Path(root) if root else env_root(self.environ)
        self.recipes_dir = Path(recipes_dir)
        self.project_root = Path(project_root)
        self._recipes: Optional[Dict[str, rc.Recipe]] = None
        self._hashes: Dict[str, str] = {}

    # -- identity (no building) ------------------------------------------------------------
    @property
    def recipes(self) -> Dict[str, rc.Recipe]:
        if self._recipes is None:
            self._recipes = load_recipes(self.recipes_dir)
        return self._recipes

    def recipe(self, name: str) -> rc.Recipe:
        if name not in self.recipes:
            raise UserError(f"no environment recipe {name!r} in {self.recipes_dir} "
                            f"(known: {', '.join(sorted(self.recipes)) or 'none'})")
        return self.recipes[name]

    def order(self, name: str) -> tuple:
        """``name``'s layers (transitively, dependencies first), then ``name``."""
        try:
            return rc.layer_order(self.recipes, name, str(self.recipes_dir))
        except rc.RecipeError as exc:
            raise UserError(str(exc)) from None

    def hash_of(self, name: str) -> str:
        if name not in self._hashes:
            r = self.recipe(name)
            layers = {layer: self.hash_of(layer) for layer in self.order(name)[:-1]
                      if layer in r.layers}
            scripts = {}
            for script in r.run_scripts:
                try:
                    scripts[script] = (self.project_root / script).read_bytes()
                except OSError as exc:
                    raise UserError(f"{r.source}: run step {script!r}: {exc.strerror}") from None
            self._hashes[name] = rc.recipe_hash(r, layers, scripts)
        return self._hashes[name]

    def path_of(self, name: str) -> Path:
        """The environment's final folder (whether built or not): absolute."""
        return (self.root / f"{name}-{self.hash_of(name)}").absolute()

    def info(self, name: str) -> Optional[dict]:
        """The built environment's ``vidbench-env.json``, or None when not built."""
        try:
            return json.loads((self.path_of(name) / INFO_FILE).read_text())
        except (OSError, ValueError):
            return None

    def require(self, name: str) -> Path:
        """The built environment's folder, or a UserError saying what to run."""
        path = self.path_of(name)
        if self.info(name) is None:
            raise UserError(f"environment {name} is not built (expected {path}); "
                            f"run: python -m orchestrator env build {name}")
        return path

    # -- building ----------------------------------------------------------------------------
    def build(self, name: str, progress: Callable[[str], None] = None) -> Path:
        """Build ``name`` (its layers first) unless built; returns its folder."""
        progress = progress or (lambda line: print(line, file=sys.stderr, flush=True))
        for n in self.order(name):
            self._build_one(n, progress)
        return self.path_of(name)

    def build_many(self, names, parallel: int = 2,
                   progress: Callable[[str], None] = None) -> List[Path]:
        """Build several environments, up to ``parallel`` at once; returns their folders.

        Why: a cold build is mostly downloads and pip unpacking, with a few compile steps
        (FFmpeg, mmcv); one after another leaves the network idle while a compiler runs and the
        CPU idle while a wheel downloads. Each environment is built in order of its layers (a
        shared layer once: the per-environment lock makes the others wait for it). The first
        failure stops the rest from starting and is raised once every started build has ended."""
        names = list(dict.fromkeys(names))
        if parallel <= 1 or len(names) <= 1:
            return [self.build(n, progress) for n in names]
        from concurrent.futures import ThreadPoolExecutor
        for n in names:     # parse and hash every recipe first: a bad one fails before any build
            self.hash_of(n)
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            futures = [pool.submit(self.build, n, progress) for n in names]
            errors = []
            for f in futures:
                try:
                    f.result()
                except BaseException as exc:   # noqa: BLE001 - re-raised below, first one
                    errors.append(exc)
                    for other in futures:
                        other.cancel()
            if errors:
                raise errors[0]
        return [self.path_of(n) for n in names]

    def _check_system(self, r: rc.Recipe, progress) -> None:
        if not r.system:
            return
        if not shutil.which("dpkg-query"):
            progress(f"env {r.name}: cannot check Debian packages {', '.join(r.system)} "
                     f"(no dpkg-query here); continuing")
            return
        missing = []
        for pkg in r.system:
            out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg],
                                 capture_output=True, text=True)
            if out.returncode != 0 or "install ok installed" not in out.stdout:
                missing.append(pkg)
        if missing:
            raise UserError(f"{r.source}: needs Debian package(s) {', '.join(missing)}: "
                            f"run `sudo apt-get install -y {' '.join(missing)}`")

    def _build_one(self, name: str, progress) -> None:
        final = self.path_of(name)
        if self.info(name) is not None:
            return
        r = self.recipe(name)
        self._check_system(r, progress)
        interp = find_interpreter(r.python, self.environ)
        self.root.mkdir(parents=True, exist_ok=True)
        lock_path = self.root / f".{final.name}.lock"
        with open(lock_path, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                progress(f"env {name}: another process is building it; waiting")
                fcntl.flock(lock, fcntl.LOCK_EX)
            if self.info(name) is not None:  # built by whoever held the lock
                progress(f"env {name}: built meanwhile ({final})")
                return
            tmp = self.root / f".{final.name[:-1]}"   # same length as the final name
            if final.exists():   # a folder without its info file is not ours to trust
                shutil.rmtree(final)
            if tmp.exists():     # left by a build that died; we hold the lock
                shutil.rmtree(tmp)
            started = time.monotonic()
            progress(f"env {name}: building {final.name} with Python {interp.version} "
                     f"({interp.path}, {interp.found_by})")
            log_path = self.root / f"{final.name}.build.log"
            try:
                with open(log_path, "w") as log:
                    freeze = self._build_into(r, interp, tmp, final, log, progress)
                relocate(tmp, str(tmp), str(final))
                info = {"recipe": name, "hash": self.hash_of(name), "path": str(final),
                        "python": interp.version, "interpreter": interp.path,
                        "interpreter_found_by": interp.found_by,
                        "layers": [str(self.path_of(n)) for n in self.order(name)[:-1]],
                        "recipe_file": r.source, "normalized_recipe": r.normalized(),
                        "built": datetime.datetime.now(datetime.timezone.utc)
                                         .strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "build_seconds": round(time.monotonic() - started, 1),
                        "size_bytes": _du(tmp), "pip_freeze": freeze}
                (tmp / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n")
                os.rename(tmp, final)
            except BaseException:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
                raise
            finally:
                if log_path.exists() and final.exists():
                    os.replace(log_path, final / "build.log")
            progress(f"env {name}: built in {info['build_seconds']:.0f} s, "
                     f"{human_size(info['size_bytes'])}: {final}")

    def _run(self, argv: List[str], env: dict, log, what: str, recipe: rc.Recipe, final: Path):
        log.write(f"$ {' '.join(argv)}\n")
        log.flush()
        proc = subprocess.run(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, cwd=str(self.project_root))
        if proc.returncode != 0:
            log.flush()
            kept = self.root / f"{final.name}.failed.log"
            shutil.copyfile(log.name, kept)
            last = [ln for ln in Path(log.name).read_text(errors="replace").splitlines() if ln.strip()]
            raise BuildFailed(f"environment {recipe.name} ({recipe.source}): {what} failed "
                              f"(exit {proc.returncode}): {last[-1].strip() if last else ''}; "
                              f"full log: {kept}")

    def _build_into(self, r: rc.Recipe, interp: Interpreter, tmp: Path, final: Path, log,
                    progress) -> List[str]:
        env = {k: v for k, v in self.environ.items()
               if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
        env.update(VIRTUAL_ENV=str(tmp), VIDBENCH_ENV_PREFIX=str(tmp),
                   VIDBENCH_ROOT=str(self.project_root), PYTHONNOUSERSITE="1",
                   PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
                   PATH=f"{tmp / 'bin'}{os.pathsep}{self.environ.get('PATH', '')}")
        n_steps = len(r.steps) + 1
        t0 = time.monotonic()
        progress(f"env {r.name}: step 1/{n_steps}: create the environment")
        if r.python.startswith("2."):
            # venv does not exist for Python 2; virtualenv < 20.22 (the project's) still makes them
            create = [sys.executable, "-m", "virtualenv", "--no-download", "--no-periodic-update",
                      "--app-data", str(self.root / ".virtualenv-app-data"),
                      "-p", interp.path, str(tmp)]
        else:
            # pip only where a step installs with it (creating it is most of a venv's time)
            needs_pip = any(step.kind == "pip" for step in r.steps)
            create = [interp.path, "-m", "venv", str(tmp)] + ([] if needs_pip else ["--without-pip"])
        self._run(create, env, log, "creating the environment", r, final)
        py = str(tmp / "bin" / "python")
        layers = self.order(r.name)[:-1]
        if layers:
            purelib = subprocess.run([py, "-c", _PURELIB], env=env, capture_output=True,
                                     text=True, check=True).stdout.strip()
            lines = []
            for layer in layers:
                lib = subprocess.run([str(self.path_of(layer) / "bin" / "python"), "-c", _PURELIB],
                                     env=env, capture_output=True, text=True, check=True).stdout.strip()
                lines.append(lib)
            Path(purelib, LAYERS_PTH).write_text("".join(f"{ln}\n" for ln in lines))
        for i, step in enumerate(r.steps, start=2):
            progress(f"env {r.name}: step {i}/{n_steps}: {step.describe()} "
                     f"({time.monotonic() - t0:.0f} s so far)")
            if step.kind == "pip":
                argv = [py, "-m", "pip", "install", *step.args]
            else:
                script = str(self.project_root / step.args[0])
                argv = [py, script] if script.endswith(".py") else ["bash", script]
            self._run(argv, env, log, f"step {i - 1} ({step.describe()})", r, final)
        freeze = subprocess.run([py, "-m", "pip", "freeze", "--all"], env=env, capture_output=True,
                                text=True)
        if freeze.returncode != 0:   # an environment without pip (no pip step)
            return []
        # requirement lines only (pip.conf's find-links come out as "-f ..." lines)
        return [ln for ln in freeze.stdout.splitlines() if ln.strip() and not ln.startswith("-")]

    # -- listing -----------------------------------------------------------------------------
    def rows(self) -> List[dict]:
        """One row per recipe for ``env list``."""
        out = []
        for name in sorted(self.recipes):
            info = self.info(name)
            out.append({"name": name, "hash": self.hash_of(name),
                        "interpreter": f"{info['python']} {info['interpreter']}" if info else "-",
                        "size": human_size(info.get("size_bytes")) if info else "-",
                        "built": info["built"] if info else "not built",
                        "path": str(self.path_of(name))})
        return out
