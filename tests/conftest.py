"""Fixtures shared by every part's tests."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("VIDBENCH_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> pathlib.Path:
    """``../shared`` (reference logs, framework bundles, Slurm recipe); skips where absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the reference material is only beside a CI checkout")
    return SHARED
