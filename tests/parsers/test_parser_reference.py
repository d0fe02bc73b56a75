"""The real third-party logs in ../shared/reference/logs agree with expected.json (skipped where
../shared is absent). The logs are read in place, never copied into the project."""
import pytest

from parsers import check_reference


@pytest.mark.shared
def test_every_reference_log_agrees_with_expected_json(shared_dir, capsys):
    rc = check_reference.check(str(shared_dir / "reference" / "logs"))
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "DIFF" not in out


def test_usage_error_exits_2(capsys):
    assert check_reference.main([]) == 2
