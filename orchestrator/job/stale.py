"""Outputs an earlier run left in a stage's working dir, moved into the job folder before the
stage starts, so that the framework starts on a clean folder and a stage's logs are its own.

Why: the frameworks write into the pinned checkout, which is reused by every sweep of the same
clone (a second ``make test``, a second demo) and by ``resume`` (attempt N+1 of the same job).
PySlowFast 8299c98 *appends* to ``OUTPUT_DIR/stdout.log``, the runner appends to a spec's
``stdout:`` file, mmcv writes a new timestamped log beside the old ones: filtering by mtime
(``jobrun.collect_logs``) lets an appended file through with the earlier run's records in it,
and the figure would average two launches. So before a stage starts, every file that already
matches the stage's log globs or its ``stdout:`` file is moved (never deleted: an earlier run's
files are evidence) to ``<job>/stale/<stage>/attempt-<N>/<path relative to the working dir>``,
listed in the stage's manifest record (``stale_outputs``: ``{"from", "to"}``, ``from`` relative
to the working dir, ``to`` relative to the job folder) and said in the job's ``stderr.log``.

Whose files they are. Jobs of one checkout can run at the same time (a Slurm array of a sweep,
the local executor's parallel lanes), and moving a file another job is writing would take its
log away from it (its writer goes on writing into our job folder). So:

- a glob that names the job (the job's name in it, as ``work_dirs/${JOB_NAME}/*.log`` expands
  to; :func:`names_job`) matches only this job's files: their earlier copies are always moved;
- a glob that does not (``*.log``, ``checkpoint/*.log``) may match another job's files: its
  matches are moved only while no other stage of the same checkout runs. Every running stage
  holds the checkout's outputs lock shared (``checkout.outputs_lock_path``: an ``flock`` on a
  file beside the checkout cache, shared by the nodes that mount it) until its logs are copied
  back; the stage that clears stale files takes it exclusively, without waiting. When it cannot,
  those files are left in place, listed in ``outputs_left_in_place`` and never collected, and a
  ``stdout:`` file among them refuses the stage (the runner would append to a file another job
  may be writing). A new file a concurrent job creates under such a glob can still be collected
  by both: name the job in globs (the specs do).

A working dir that is no checkout (a ``package:`` source runs in the job's own ``work/``) is the
job's alone: everything there is moved without a lock. Two sweeps of one spec running at once in
one checkout give their jobs the same names; their outputs collide in the framework's own
folders whatever the runner does, and this module does not guard against that.
"""
from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

LEFT_WHY = "another job of this checkout is running"
LEFT_REASON = (f"{LEFT_WHY}: it may be writing this file (the glob does not name the job), so "
               f"it is left in place and not collected")


def names_job(pattern: str, job_name: str) -> bool:
    """True where ``pattern`` names the job: its name appears in it not as part of a longer
    word (``work_dirs/demo--a--fw--r1/*.log`` names ``demo--a--fw--r1``, not ``..--r10``'s).
    Pure."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(job_name)}(?![A-Za-z0-9])", pattern) is not None


def matching_files(cwd: Path, patterns: Iterable[str]) -> list:
    """The regular files under ``cwd`` that match ``patterns`` now, as sorted paths relative to
    ``cwd`` (links leading out of it are not ours to move)."""
    cwd_real = Path(cwd).resolve()
    found = set()
    for pattern in patterns:
        for p in glob.glob(str(Path(cwd) / pattern), recursive=True):
            path = Path(p)
            if path.is_symlink() or not path.is_file():
                continue
            try:
                found.add(str(path.resolve().relative_to(cwd_real)))
            except (OSError, ValueError):
                continue
    return sorted(found)


@dataclass
class Cleared:
    """What :func:`clear_stale` did: files moved, files left (relative to the working dir)."""

    moved: list = field(default_factory=list)     # [{"from": rel to cwd, "to": rel to job}]
    left: list = field(default_factory=list)      # [{"path", "bytes", "why"}]

    @property
    def left_paths(self) -> set:
        return {item["path"] for item in self.left}


def _free_target(target: Path) -> Path:
    """``target``, or ``target.1``, ``.2``... where a file is there already (a stage run by
    hand twice in one attempt): nothing is overwritten."""
    k, candidate = 0, target
    while candidate.exists() or candidate.is_symlink():
        k += 1
        candidate = target.with_name(f"{target.name}.{k}")
    return candidate


def move_into(cwd: Path, rels: Iterable[str], dest: Path, job_dir: Path) -> list:
    """Move each file ``cwd/rel`` to ``dest/rel`` (another file system: copy, then remove);
    returns the ``stale_outputs`` records."""
    out = []
    for rel in rels:
        target = _free_target(dest / rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(Path(cwd) / rel), str(target))
        out.append({"from": rel, "to": str(target.relative_to(job_dir))})
    return out


class OutputsLock:
    """The checkout's outputs lock (see the module docstring): shared while a stage runs,
    exclusive (never waited for) while a stage clears stale files of globs not naming it."""

    def __init__(self, path: Optional[Path]):
        self.path, self.fd = path, None
        if path is not None:
            with contextlib.suppress(OSError):
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def try_exclusive(self) -> bool:
        if self.fd is None:
            return False
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def share(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
                os.close(self.fd)
            self.fd = None


def clear_stale(cwd: Path, job_name: str, globs: Iterable[str], stdout: Optional[str],
                dest: Path, job_dir: Path, lock: Optional[OutputsLock]) -> Cleared:
    """Move what an earlier run left under the stage's log globs and ``stdout:`` file into
    ``dest`` (``<job>/stale/<stage>/attempt-<N>``). ``lock``: the checkout's outputs lock, None
    where the working dir is the job's own; it is held shared when this returns."""
    patterns = list(globs) + ([stdout] if stdout else [])
    own = [p for p in patterns if lock is None or names_job(p, job_name)]
    shared = [p for p in patterns if p not in own]
    done = Cleared()
    own_files = matching_files(cwd, own)
    shared_files = [f for f in matching_files(cwd, shared) if f not in own_files]
    alone = bool(shared_files) and lock is not None and lock.try_exclusive()
    try:
        done.moved = move_into(cwd, own_files + (shared_files if alone else []), dest, job_dir)
    finally:
        if lock is not None:
            lock.share()
    if not alone:
        for rel in shared_files:
            with contextlib.suppress(OSError):
                size = (Path(cwd) / rel).stat().st_size
                done.left.append({"path": rel, "bytes": size, "why": LEFT_REASON})
    return done


def _listing(paths: list) -> str:
    """The first five of ``paths``, and how many more."""
    more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
    return ", ".join(paths[:5]) + more


def describe(cleared: Cleared, stage_dir: str, dest_rel: str) -> list:
    """The lines the job's stderr.log gets about it (none when nothing was there)."""
    lines = []
    if cleared.moved:
        lines.append(f"vidbench: stage {stage_dir}: moved {len(cleared.moved)} file(s) an "
                     f"earlier run left in the working dir to {dest_rel}/ (kept, not collected): "
                     f"{_listing([m['from'] for m in cleared.moved])}")
    if cleared.left:
        lines.append(f"vidbench: stage {stage_dir}: left {len(cleared.left)} earlier file(s) in "
                     f"place, not collected ({LEFT_WHY}): "
                     f"{_listing([m['path'] for m in cleared.left])}")
    return lines
