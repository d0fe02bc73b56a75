"""orchestrator.sweep.checkout against real git repositories and bundles built by the test."""
import os
import subprocess

import pytest

from orchestrator.sweep.checkout import CheckoutError, Checkouts, bundle_filter, verify
from orchestrator.errors import UserError

ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "LC_ALL": "C"}


def sh(*args, cwd=None, check=True):
    return subprocess.run(args, cwd=cwd, env=ENV, check=check, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def upstream(tmp_path):
    """A repository with two commits: c1 (train.py, big.bin of 64 KiB), c2 (train.py changed)."""
    repo = tmp_path / "upstream"
    repo.mkdir()
    sh("git", "init", "-q", "-b", "main", cwd=repo)
    (repo / "train.py").write_text("print('v1')\n")
    (repo / "configs").mkdir()
    (repo / "configs" / "a.py").write_text("x = 1\n")
    (repo / "big.bin").write_bytes(os.urandom(64 * 1024))
    sh("git", "add", ".", cwd=repo)
    sh("git", "commit", "-q", "-m", "c1", cwd=repo)
    c1 = sh("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    (repo / "train.py").write_text("print('v2')\n")
    sh("git", "commit", "-q", "-am", "c2", cwd=repo)
    c2 = sh("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()
    return repo, c1, c2


def test_a_local_repository_checks_out_at_the_pin_and_is_reused(tmp_path, upstream):
    repo, c1, c2 = upstream
    cache = Checkouts(tmp_path / "cache")
    co = cache.prepare(str(repo), c1)
    assert sh("git", "rev-parse", "HEAD", cwd=co.path).stdout.strip() == c1
    assert (co.path / "train.py").read_text() == "print('v1')\n"
    assert sh("git", "status", "--porcelain", cwd=co.path).stdout == ""
    again = cache.prepare(str(repo), c1)
    assert again.path == co.path
    other = cache.prepare(str(repo), c2)
    assert other.path != co.path and (other.path / "train.py").read_text() == "print('v2')\n"
    bares = list((tmp_path / "cache" / "repos").glob("*.git"))
    assert len(bares) == 1      # one bare clone per repository, one worktree per commit


def test_a_dirty_tree_is_refused_with_a_message_saying_what_to_do(tmp_path, upstream):
    repo, c1, _ = upstream
    co = Checkouts(tmp_path / "cache").prepare(str(repo), c1)
    (co.path / "train.py").write_text("print('patched')\n")
    with pytest.raises(CheckoutError) as err:
        verify(co.path, c1)
    msg = str(err.value)
    assert str(co.path) in msg and "changed train.py" in msg and "stash" in msg
    assert isinstance(err.value, UserError)
    sh("git", "checkout", "--", "train.py", cwd=co.path)
    verify(co.path, c1)
    (co.path / "work_dirs").mkdir()
    (co.path / "work_dirs" / "x.log").write_text("log\n")
    with pytest.raises(CheckoutError, match="untracked work_dirs/x.log"):
        verify(co.path, c1)
    verify(co.path, c1, allow_untracked=["work_dirs"])
    (co.path / "sneaky.py").write_text("import os\n")
    with pytest.raises(CheckoutError, match="untracked sneaky.py"):
        verify(co.path, c1, allow_untracked=["work_dirs"])


def test_a_tree_moved_off_the_pin_is_refused(tmp_path, upstream):
    repo, c1, c2 = upstream
    co = Checkouts(tmp_path / "cache").prepare(str(repo), c1)
    sh("git", "checkout", "-q", "--detach", c2, cwd=co.path)
    with pytest.raises(CheckoutError) as err:
        verify(co.path, c1)
    assert f"is at commit {c2}, not the pinned {c1}" in str(err.value)
    with pytest.raises(CheckoutError, match="not the pinned"):
        Checkouts(tmp_path / "cache").prepare(str(repo), c1)


def test_a_missing_commit_is_refused(tmp_path, upstream):
    repo, _, _ = upstream
    absent = "0123456789abcdef0123456789abcdef01234567"
    with pytest.raises(CheckoutError) as err:
        Checkouts(tmp_path / "cache").prepare(str(repo), absent)
    assert f"pinned commit {absent} is not in {repo}" in str(err.value)
    with pytest.raises(CheckoutError, match="full 40-hex"):
        Checkouts(tmp_path / "cache").prepare(str(repo), "abc123")


def test_a_bundle_or_a_mirror_stands_in_for_the_url(tmp_path, upstream):
    repo, c1, _ = upstream
    bundles = tmp_path / "bundles"
    bundles.mkdir()
    sh("git", "bundle", "create", "-q", str(bundles / "up.bundle"), "--all", cwd=repo)
    assert bundle_filter(bundles / "up.bundle") is None
    url = "https://example.invalid/up.git"     # never reachable: the bundle must be used
    co = Checkouts(tmp_path / "c1", bundle_dirs=[bundles]).prepare(url, c1, "up.bundle")
    assert co.origin == str(bundles / "up.bundle")
    assert (co.path / "train.py").read_text() == "print('v1')\n"
    co = Checkouts(tmp_path / "c2", mirrors={url: str(repo)}).prepare(url, c1)
    assert co.origin == str(repo) and co.absent_files == ()
    with pytest.raises(CheckoutError, match="cannot fetch from https://example.invalid"):
        Checkouts(tmp_path / "c3").prepare(url, c1)


def _filtered_bundle(repo, dest):
    proc = sh("git", "bundle", "create", "-q", str(dest), "--all", "--filter=blob:limit=4k",
              cwd=repo, check=False)
    if proc.returncode != 0:
        pytest.skip(f"this git cannot write filtered bundles: {proc.stderr.strip()}")


def test_a_filtered_bundle_becomes_a_sparse_partial_clone_with_a_clean_status(tmp_path, upstream):
    repo, c1, _ = upstream
    bundle = tmp_path / "filtered.bundle"
    _filtered_bundle(repo, bundle)
    assert bundle_filter(bundle) == "blob:limit=4096"     # git writes the limit in bytes
    refused = sh("git", "clone", "-q", str(bundle), str(tmp_path / "plain"), check=False)
    assert refused.returncode != 0 and "filtered bundle" in refused.stderr
    co = Checkouts(tmp_path / "cache").prepare(None, c1, str(bundle))
    assert co.absent_files == ("big.bin",)
    assert not (co.path / "big.bin").exists()
    assert (co.path / "configs" / "a.py").read_text() == "x = 1\n"
    assert sh("git", "status", "--porcelain", cwd=co.path).stdout == ""
    assert sh("git", "rev-parse", "HEAD", cwd=co.path).stdout.strip() == c1
    verify(co.path, c1)


@pytest.mark.shared
def test_every_shared_framework_bundle_checks_out_clean_at_its_pin(tmp_path, shared_dir):
    """The real bundles of ../shared/frameworks, four of them filtered."""
    frameworks = shared_dir / "frameworks"
    rows = [line.split("|")[1:-1] for line in (frameworks / "README.md").read_text().splitlines()
            if line.startswith("| ") and ".bundle" in line]
    assert len(rows) == 6
    cache = Checkouts(tmp_path / "cache", bundle_dirs=[frameworks])
    filtered = 0
    for cells in rows:
        repo, commit, bundle = cells[1].strip(), cells[2].strip(), cells[4].strip()
        co = cache.prepare(f"https://github.com/{repo}.git", commit, bundle)
        assert sh("git", "rev-parse", "HEAD", cwd=co.path).stdout.strip() == commit
        assert sh("git", "status", "--porcelain", cwd=co.path).stdout == ""
        filtered += bundle_filter(frameworks / bundle) is not None
        for path in co.absent_files:
            assert not (co.path / path).exists()
    assert filtered == 4
