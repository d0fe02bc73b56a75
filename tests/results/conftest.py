"""Fixtures of the results tests: a real sweep folder (see sweeps.py)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import sweeps  # noqa: E402


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    return sweeps.example_sweep(tmp_path_factory.mktemp("sweep"))
