"""submitit's private API is called only from orchestrator/sweep/submitit_private.py, and only for the
submitit minor version it was written against: any other version is a one-line error naming it."""
import re
from pathlib import Path

import pytest
import submitit

from orchestrator.sweep import submitit_private
from orchestrator.errors import UserError

ROOT = Path(__file__).resolve().parents[2]


def test_the_pinned_submitit_passes_the_check():
    assert submitit.__version__.startswith("1.5.")
    submitit_private.check_version()


def test_another_submitit_is_refused_naming_its_version(monkeypatch):
    monkeypatch.setattr(submitit, "__version__", "1.6.0")
    with pytest.raises(UserError) as err:
        submitit_private.sbatch_string("true", Path("/tmp/x"), {})
    assert str(err.value).startswith("submitit 1.6.0 is installed, but vidbench calls private "
                                     "parts of submitit 1.5.x")
    assert "\n" not in str(err.value)


def test_no_other_module_calls_submitits_private_parts():
    private = re.compile(r"_make_sbatch_string|_submit_command|_submitit_command_str|"
                         r"DelayedSubmission|map_count")
    users = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "orchestrator").rglob("*.py")
                   if private.search(p.read_text()))
    assert users == ["orchestrator/sweep/submitit_private.py"]
