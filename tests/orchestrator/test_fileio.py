"""The file helpers every part writes and reads the sweep folder with (orchestrator/fileio.py),
and JobDir.containing, the one way from a log path back to its job folder."""
import hashlib
import os

import pytest

from orchestrator.errors import UserError
from orchestrator.fileio import (atomic_write_json, atomic_write_text, read_json,
                                 read_json_object, repo_slug, sha256_of)
from orchestrator.sweep.sweepdir import JobDir


def test_an_atomic_write_replaces_the_file_and_leaves_no_temporary_beside_it(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("old")
    atomic_write_json(path, {"status": "COMPLETED", "n": 2})
    assert path.read_text() == '{\n  "status": "COMPLETED",\n  "n": 2\n}\n'
    atomic_write_text(path, "a\r\nb\n", fsync=False)
    assert path.read_bytes() == b"a\r\nb\n"              # written as given, no newline translation
    assert os.listdir(tmp_path) == ["manifest.json"]
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_a_missing_file_is_none_and_a_broken_one_an_error_naming_it(tmp_path):
    assert read_json(tmp_path / "job.json") is None
    (tmp_path / "job.json").write_text('{"name": ')
    with pytest.raises(UserError, match=r"job\.json: not valid JSON"):
        read_json(tmp_path / "job.json")
    (tmp_path / "job.json").write_text("[1, 2]")
    assert read_json(tmp_path / "job.json") == [1, 2]
    with pytest.raises(UserError, match=r"job\.json: expected a JSON object"):
        read_json_object(tmp_path / "job.json")


def test_the_hash_of_a_file_is_its_sha256_and_of_a_folder_its_names_and_contents(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "probe-h-1.jsonl").write_bytes(b'{"kind": "header"}\n')
    assert sha256_of(tmp_path / "p" / "probe-h-1.jsonl") == \
        hashlib.sha256(b'{"kind": "header"}\n').hexdigest()
    inner = hashlib.sha256(b'{"kind": "header"}\n').hexdigest()
    assert sha256_of(tmp_path / "p") == hashlib.sha256(
        b"probe-h-1.jsonl\0" + inner.encode() + b"\n").hexdigest()


def test_two_repositories_of_one_name_get_two_folders():
    a = repo_slug("https://github.com/open-mmlab/mmaction2.git")
    b = repo_slug("/srv/mirror/mmaction2.bundle")
    assert a.startswith("mmaction2-") and b.startswith("mmaction2-") and a != b
    assert len(a) == len("mmaction2-") + 10


def test_a_log_path_leads_back_to_its_job_folder(tmp_path):
    job = tmp_path / "sweep" / "jobs" / "demo--tsn--fw--r0"
    log = job / "logs" / "main" / "20200808.log.json"
    jd = JobDir.containing(log)
    assert jd == JobDir(job) and jd.probe_dir("") == job / "probe" / "main"
    assert jd.probe_dir("TEM") == job / "probe" / "TEM"
    assert JobDir.containing(tmp_path / "some" / "log.txt") is None
