"""Pinned checkouts: every framework runs from exactly its pinned commit, in a clean tree.

A benchmark figure is only worth something if we know which code produced it, so the
orchestrator never runs a framework from a tree it has not verified. This module keeps a cache
of bare clones (one per repository) and one git worktree per (repository, commit), and checks
before every launch that HEAD is the pin and that nobody edited the tree.

Where the code comes from, in order: a git bundle named by the spec (``bundle:``, looked up in
``bundle_dirs``, e.g. ``../shared/frameworks``), a local mirror given for the URL (offline
clusters), the URL or local path itself. Bundles whose header declares ``@filter=`` (large
blobs left out) are refused by ``git clone``; they become partial clones of the bundle, and the
files whose blobs are absent are left out of the worktree by a sparse checkout, so that
``git status`` stays clean and git never tries to fetch them.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from orchestrator.errors import UserError
from orchestrator.fileio import repo_slug


class CheckoutError(UserError):
    """A checkout that cannot be made or must not be used (wrong commit, dirty tree...)."""


@dataclass(frozen=True)
class Checkout:
    path: Path                  # the worktree, where the framework's command runs
    commit: str
    origin: str                 # where the objects came from (bundle, mirror, URL, path)
    absent_files: tuple = ()    # left out by sparse checkout (filtered bundle)


def git(*args, cwd=None, check=True, env=None) -> subprocess.CompletedProcess:
    """Run git without a shell; raise CheckoutError with git's own words on failure."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    proc = subprocess.run(["git", *map(str, args)], cwd=cwd, env=full_env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and proc.returncode != 0:
        msg = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        raise CheckoutError(f"git {' '.join(map(str, args[:3]))} failed: "
                            f"{msg[-1] if msg else 'exit ' + str(proc.returncode)}")
    return proc


def bundle_filter(path) -> Optional[str]:
    """The ``@filter=`` of a git bundle's header (None for a complete bundle or not a bundle)."""
    try:
        with open(path, "rb") as fh:
            first = fh.readline()
            if not first.startswith(b"# v") or b"git bundle" not in first:
                return None
            for raw in fh:
                line = raw.rstrip(b"\n")
                if not line:
                    return None
                if line.startswith(b"@filter="):
                    return line[len(b"@filter="):].decode()
    except OSError:
        return None
    return None


@dataclass
class Checkouts:
    """The checkout cache: ``cache_dir/repos/*.git`` (bare) and ``cache_dir/worktrees/*``."""

    cache_dir: Path
    bundle_dirs: Sequence[Path] = ()
    mirrors: Mapping[str, str] = field(default_factory=dict)   # URL -> local path or bundle

    def __post_init__(self):
        self.cache_dir = Path(self.cache_dir).resolve()

    # -- where the objects come from
    def bundle_candidates(self, bundle: str) -> list:
        """Where a spec's ``bundle:`` is looked for, in order."""
        return [Path(bundle)] if os.path.isabs(bundle) else \
            [Path(d) / bundle for d in self.bundle_dirs] + [Path(bundle).absolute()]

    def missing_bundle(self, bundle: Optional[str]) -> Optional[str]:
        """None where ``bundle`` is not given or found, else a message naming it and every
        place it was looked for (said when the URL stands in for it, and in its errors)."""
        if not bundle or any(c.is_file() for c in self.bundle_candidates(bundle)):
            return None
        return (f"bundle {bundle!r} was not found (looked for "
                f"{', '.join(map(str, self.bundle_candidates(bundle)))})")

    def origin(self, repo: Optional[str], bundle: Optional[str] = None) -> str:
        if bundle:
            for c in self.bundle_candidates(bundle):
                if c.is_file():
                    return str(c.resolve())
        if repo and repo in self.mirrors:
            return str(Path(self.mirrors[repo]).resolve())
        if not repo:
            raise CheckoutError(f"{self.missing_bundle(bundle)} and no repository URL is given")
        if "://" in repo or re.match(r"^[\w.-]+@[\w.-]+:", repo):
            return repo
        return str(Path(repo).resolve())

    def prepare(self, repo: Optional[str], commit: str, bundle: Optional[str] = None,
                allow_untracked: Iterable[str] = ()) -> Checkout:
        """A verified, clean worktree of ``commit``, creating it (and the bare clone) if needed.

        ``allow_untracked``: folders the framework writes into (its ``work_dirs``), whose
        untracked files an earlier run left there and which do not make the tree dirty.
        """
        if not re.fullmatch(r"[0-9a-f]{40}", commit or ""):
            raise CheckoutError(f"pinned commit {commit!r} is not a full 40-hex hash")
        origin = self.origin(repo, bundle)
        missing = self.missing_bundle(bundle)
        if missing:    # the URL (or a mirror) stands in: never silently
            print(f"checkout: warning: {missing}; using {origin} instead", file=sys.stderr)
        key = repo_slug(repo or origin)
        bare = self.cache_dir / "repos" / f"{key}.git"
        tree = self.cache_dir / "worktrees" / f"{key}-{commit[:12]}"
        with self._lock(key):
            try:
                self._ensure_bare(bare, origin)
                self._ensure_commit(bare, origin, commit, repo)
            except CheckoutError as exc:
                if missing:
                    raise CheckoutError(f"{exc} ({missing}: give --bundles DIR or fix "
                                        f"`bundle:`)") from None
                raise
            absent = self._absent_files(bare, commit)
            if not tree.exists():
                self._add_worktree(bare, tree, commit, absent)
        verify(tree, commit, allow_untracked=allow_untracked)
        return Checkout(path=tree, commit=commit, origin=origin, absent_files=tuple(absent))

    def prepare_source(self, source, allow_untracked: Iterable[str] = ()) -> Optional[Checkout]:
        """``prepare`` for an ``orchestrator.spec.Source``; None for a pip ``package:`` source."""
        if source.package and not source.commit:
            return None
        return self.prepare(source.repo, source.commit, source.bundle, allow_untracked)

    # -- steps
    @contextlib.contextmanager
    def _lock(self, key: str):
        locks = self.cache_dir / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"{key}.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _ensure_bare(self, bare: Path, origin: str):
        if (bare / "HEAD").exists():
            return
        tmp = bare.with_name(bare.name + ".tmp")
        if tmp.exists():
            git("-C", tmp.parent, "worktree", "prune", check=False)
            _rmtree(tmp)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        git("init", "-q", "--bare", tmp)
        git("-C", tmp, "remote", "add", "origin", origin)
        filt = bundle_filter(origin) if os.path.isfile(origin) else None
        if filt:
            # a filtered bundle: the repository is a partial clone whose promisor is the bundle
            git("-C", tmp, "config", "core.repositoryformatversion", "1")
            git("-C", tmp, "config", "extensions.partialClone", "origin")
            git("-C", tmp, "config", "remote.origin.promisor", "true")
            git("-C", tmp, "config", "remote.origin.partialclonefilter", filt)
        git("-C", tmp, "config", "remote.origin.fetch", "+refs/*:refs/remotes/origin/*")
        self._fetch(tmp, origin)
        tmp.rename(bare)

    def _fetch(self, bare: Path, origin: str, *refs: str):
        proc = git("-C", bare, "fetch", "-q", "--tags", "origin", *refs, check=False)
        if proc.returncode != 0:
            err = (proc.stderr.strip().splitlines() or ["?"])[-1]
            raise CheckoutError(f"cannot fetch from {origin}: {err}")

    def _ensure_commit(self, bare: Path, origin: str, commit: str, repo: Optional[str]):
        if _has_commit(bare, commit):
            return
        self._fetch(bare, origin)           # the remote may have moved on since the first clone
        if not _has_commit(bare, commit) and not os.path.isfile(origin):
            git("-C", bare, "fetch", "-q", "origin", commit, check=False)  # servers allowing it
        if not _has_commit(bare, commit):
            raise CheckoutError(f"pinned commit {commit} is not in {origin}"
                                + (f" ({repo})" if repo and repo != origin else "")
                                + ": check the spec's `commit:` or give a bundle/mirror that has it")

    def _absent_files(self, bare: Path, commit: str) -> list:
        """Paths in ``commit``'s tree whose blobs a partial clone lacks."""
        if git("-C", bare, "config", "extensions.partialClone", check=False).returncode != 0:
            return []
        out = git("-C", bare, "rev-list", "--objects", "--missing=print", "--no-object-names",
                  commit).stdout
        missing = {line[1:] for line in out.splitlines() if line.startswith("?")}
        if not missing:
            return []
        paths = []
        listing = git("-C", bare, "ls-tree", "-r", "-z", "--full-tree", commit).stdout
        for item in listing.split("\0"):
            if not item:
                continue
            meta, path = item.split("\t", 1)
            if meta.split()[2] in missing:
                paths.append(path)
        return sorted(paths)

    def _add_worktree(self, bare: Path, tree: Path, commit: str, absent: list):
        tree.parent.mkdir(parents=True, exist_ok=True)
        git("-C", bare, "worktree", "prune")
        git("-C", bare, "worktree", "add", "-q", "--no-checkout", "--detach", tree, commit)
        try:
            if absent:
                # leave the absent files out (skip-worktree), so checkout never fetches them
                _enable_worktree_config(bare)
                git("-C", tree, "config", "--worktree", "core.sparseCheckout", "true")
                sparse = Path(git("-C", tree, "rev-parse", "--git-path",
                                  "info/sparse-checkout").stdout.strip())
                sparse = sparse if sparse.is_absolute() else tree / sparse
                sparse.parent.mkdir(parents=True, exist_ok=True)
                sparse.write_text(
                    "/*\n" + "".join(f"!/{_escape_pattern(p)}\n" for p in absent))
            git("-C", tree, "checkout", "-q", "--detach", commit)
        except CheckoutError:
            git("-C", bare, "worktree", "remove", "--force", tree, check=False)
            _rmtree(tree)
            raise


def _enable_worktree_config(bare: Path):
    """Per-worktree config (for core.sparseCheckout); git asks that core.bare then lives in
    the bare repository's own config.worktree, or the worktrees would count as bare too."""
    if git("-C", bare, "config", "--bool", "extensions.worktreeConfig",
           check=False).stdout.strip() == "true":
        return
    git("-C", bare, "config", "extensions.worktreeConfig", "true")
    git("-C", bare, "config", "--unset", "core.bare", check=False)
    git("-C", bare, "config", "--worktree", "core.bare", "true")


def _escape_pattern(path: str) -> str:
    return re.sub(r"([\\*?\[\]!# ])", r"\\\1", path)


def _has_commit(bare: Path, commit: str) -> bool:
    return git("-C", bare, "cat-file", "-e", f"{commit}^{{commit}}", check=False,
               env={"GIT_NO_LAZY_FETCH": "1"}).returncode == 0


def _rmtree(path: Path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


def outputs_lock_path(tree) -> Path:
    """The lock file of a checkout's outputs (``orchestrator.job.stale``): every running stage of a
    job in ``tree`` holds it shared, a stage clearing an earlier run's files of globs that do not
    name it takes it exclusively. It lives in the cache's ``locks/`` beside ``worktrees/`` (never
    in the tree, which must stay clean), on the file system the nodes share."""
    tree = Path(tree)
    if tree.parent.name == "worktrees":
        return tree.parent.parent / "locks" / f"{tree.name}.outputs.lock"
    return tree.parent / f".{tree.name}.outputs.lock"


def verify(path, commit: str, allow_untracked: Iterable[str] = ()) -> None:
    """Refuse (CheckoutError) unless ``path`` is a git tree at ``commit`` with no changes.

    Changed, staged or deleted tracked files always refuse. Untracked files that git does not
    ignore refuse too, unless they lie under one of ``allow_untracked`` (paths relative to the
    tree where the framework writes its outputs, e.g. ``work_dirs``).
    """
    path = Path(path)
    if not (path / ".git").exists():
        raise CheckoutError(f"{path} is not a git checkout: delete it and run again to "
                            f"re-create it")
    head = git("-C", path, "rev-parse", "HEAD", check=False)
    if head.returncode != 0:
        raise CheckoutError(f"{path}: cannot read HEAD ({head.stderr.strip()})")
    head = head.stdout.strip()
    if head != commit:
        raise CheckoutError(f"{path} is at commit {head}, not the pinned {commit}: run "
                            f"`git -C {path} checkout --detach {commit}` or delete {path}")
    status = git("-C", path, "status", "--porcelain=v1", "-z", "--untracked-files=all").stdout
    allowed = [a.strip("/") for a in allow_untracked if a.strip("/")]
    dirty = []
    entries = status.split("\0")
    i = 0
    while i < len(entries):
        item = entries[i]
        i += 1
        if not item:
            continue
        code, name = item[:2], item[3:]
        if code[0] in "RC":
            i += 1          # the rename's source follows
        if code == "??" and any(name == a or name.startswith(a + "/") for a in allowed):
            continue
        dirty.append(("untracked " if code == "??" else "changed ") + name)
    if dirty:
        more = f" and {len(dirty) - 3} more" if len(dirty) > 3 else ""
        raise CheckoutError(f"{path} is not clean at the pinned commit {commit[:12]} "
                            f"({'; '.join(dirty[:3])}{more}): the framework must run unmodified; "
                            f"run `git -C {path} status`, then `git -C {path} stash -u` or delete "
                            f"{path} to re-create it")
