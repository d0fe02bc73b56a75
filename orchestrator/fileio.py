"""File helpers shared by the sweep, the job, collect and report: atomic writes, JSON reads,
content hashes, repository folder names.

Why one module: the sweep folder is the orchestrator's only state (docs/DESIGN.md §3), so how
a file is written (never half: a temporary file beside it, then rename) and read (a missing
file is "not yet", a broken one a user error naming it) must be the same everywhere; two copies
of one rule drift apart.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Optional

from orchestrator.errors import UserError


def atomic_write_text(path: Path, text: str, fsync: bool = True) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new content, never half
    (temporary file in the same folder, optional fsync, rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_json(path: Path, obj, fsync: bool = True) -> None:
    """``obj`` as indented JSON (keys in their order), written as atomic_write_text does."""
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n", fsync)


def write_to(path: Path, text: str, flags: int) -> None:
    """Write ``text`` to a file opened with ``flags`` (plain os calls: the cheapest write)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | flags, 0o644)
    try:
        data = memoryview(text.encode())
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)


def write_new_text(path: Path, text: str) -> None:
    """Atomically write a file only this process writes (the sweep lock is held): a fixed
    temporary name beside it, then rename; the cheapest atomic write (no fsync)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    write_to(tmp, text, os.O_TRUNC)
    os.replace(tmp, path)


def read_json(path: Path) -> Optional[dict]:
    """The JSON object in ``path``, or None where the file does not exist (yet); UserError
    naming the file where it is not valid JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid JSON ({exc}); the sweep folder was edited by hand?")


def read_json_object(path: Path) -> Optional[dict]:
    """read_json, and UserError where the file holds JSON that is not an object."""
    obj = read_json(path)
    if obj is not None and not isinstance(obj, dict):
        raise UserError(f"{path}: expected a JSON object")
    return obj


def sha256_of(path: Path) -> str:
    """sha256 of a file, or of a folder's files (relative name + content hash, sorted): the
    hash a results row names its log (or probe folder) by."""
    path = Path(path)
    h = hashlib.sha256()
    if path.is_dir():
        for p in sorted(q for q in path.rglob("*") if q.is_file()):
            h.update(str(p.relative_to(path)).encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).hexdigest().encode() + b"\n")
        return h.hexdigest()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def repo_slug(address: str) -> str:
    """A folder name for a repository address (URL, path or bundle): its last part, made safe,
    plus a hash of the whole address, so two repositories of one name never share a folder."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", address.rstrip("/").rsplit("/", 1)[-1])
    base = re.sub(r"\.(git|bundle)$", "", base).strip("-.") or "repo"
    return f"{base[:40]}-{hashlib.sha256(address.encode()).hexdigest()[:10]}"
