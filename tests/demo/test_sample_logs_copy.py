"""demo.sample_logs --from: what it copies out of a demo sweep folder, and what it refuses.

The sweep folder is built here in the layout the orchestrator writes (docs/DESIGN.md section 3)
from the real files of BSN f13707f's demo job (tests/framework_logs/bsn-f13707f: its stdout and
the probe records of its two training processes), plus the probe's real header line alone for
a helper process that never stepped (PEM's stage also runs TEM_test.py and the PGM scripts).
"""
import csv
import json
import pathlib

import pytest

from demo import sample_logs

BSN = pathlib.Path(__file__).resolve().parents[1] / "framework_logs" / "bsn-f13707f"
JOB = "demo-localization--bsn--activitynet-400x100-features--bsn--r0"


def make_sweep(root: pathlib.Path, status="COMPLETED") -> pathlib.Path:
    source = json.loads((BSN / "SOURCE.json").read_text())
    job = root / "jobs" / JOB
    for stage, name, pid in (("TEM", "tem.probe.jsonl", 12238), ("PEM", "pem.probe.jsonl", 12921)):
        (job / "probe" / stage).mkdir(parents=True)
        (job / "probe" / stage / f"probe-vm-{pid}.jsonl").write_bytes((BSN / name).read_bytes())
    header = (BSN / "pem.probe.jsonl").read_text().splitlines(keepends=True)[0]
    (job / "probe" / "PEM" / "probe-vm-12966.jsonl").write_text(header)       # never stepped
    (job / "stdout.log").write_bytes((BSN / "stdout.log").read_bytes())
    manifest = {k: source[k] for k in ("job", "framework", "repo", "commit", "command", "host", "python",
                                       "libraries", "compat_mode", "started", "finished")}
    manifest.update(status=status, environment=dict(source["environment"], path="/env", pip_freeze=[]),
                    stages=[dict(st, log_files=[], probe_dir=f"probe/{st['name']}") for st in source["stages"]])
    (job / "manifest.json").write_text(json.dumps(manifest))
    with open(root / "results.csv", "w", newline="") as fh:
        columns = ["job"] + list(sample_logs.RESULT_COLUMNS) + ["warnings"]
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        for row in source["results_csv"]:
            writer.writerow(dict(row, job=JOB, warnings="unstable: ..."))
    return root


def test_it_copies_the_logs_and_the_training_processes_records_with_their_source(tmp_path):
    sweep = make_sweep(tmp_path / "sweep")
    assert sample_logs.main(["--from", str(sweep), "--only", "framework_logs/bsn-*", str(tmp_path / "out")]) == 0
    out = tmp_path / "out" / "framework_logs" / "bsn-f13707f"
    assert sorted(p.name for p in out.iterdir()) == ["SOURCE.json", "pem.probe.jsonl", "stdout.log",
                                                      "tem.probe.jsonl"]
    for name in ("pem.probe.jsonl", "stdout.log", "tem.probe.jsonl"):
        assert (out / name).read_bytes() == (BSN / name).read_bytes()       # never edited
    # the committed SOURCE.json is what the same copy wrote from the lead's run
    assert json.loads((out / "SOURCE.json").read_text()) == json.loads((BSN / "SOURCE.json").read_text())


def test_a_sample_names_its_job_by_a_glob_that_must_match_one_job(tmp_path):
    # the demo specs moved cells (SlowFast's 64px videos became 32px): a glob takes either run
    sweep = make_sweep(tmp_path / "sweep")
    pyslowfast = next(s for s in sample_logs.SAMPLES if s.folder == "framework_logs/pyslowfast-8299c98")
    for name in ("demo--slowfast-r50--32px-videos--pyslowfast--r0", "demo--slowfast-r50--64px-videos--pyslowfast--r0"):
        (sweep / "jobs" / name).mkdir()
    with pytest.raises(SystemExit) as err:
        sample_logs.copy_samples(sweep, tmp_path / "out", [pyslowfast])
    assert str(err.value) == (f"error: {sweep / 'jobs'}: demo--slowfast-r50--*-videos--pyslowfast--r0 matches "
                              "2 jobs, not one: demo--slowfast-r50--32px-videos--pyslowfast--r0, "
                              "demo--slowfast-r50--64px-videos--pyslowfast--r0")


def test_a_later_glob_is_taken_only_when_the_first_matches_no_job(tmp_path):
    # MMAction 7f3490d's TSN 56px job is in earlier runs only; later runs have its 224px one
    sweep = make_sweep(tmp_path / "sweep")
    mmaction = next(s for s in sample_logs.SAMPLES if s.folder == "framework_logs/mmaction-7f3490d")
    for name in ("demo--tsn-r18--224px-rawframes--mmaction--r0", "demo--tsn-r18--56px-rawframes--mmaction--r0"):
        (sweep / "jobs" / name).mkdir()
    assert sample_logs.find_job(sweep / "jobs", mmaction.jobs).name == "demo--tsn-r18--56px-rawframes--mmaction--r0"
    (sweep / "jobs" / "demo--tsn-r18--56px-rawframes--mmaction--r0").rmdir()
    assert sample_logs.find_job(sweep / "jobs", mmaction.jobs).name == "demo--tsn-r18--224px-rawframes--mmaction--r0"
    with pytest.raises(SystemExit) as err:
        sample_logs.find_job(sweep / "jobs", ("demo--nope--r0", "demo--nope-either--r0"))
    assert str(err.value) == f"error: {sweep / 'jobs'}: no job matches demo--nope--r0 or demo--nope-either--r0"


def test_a_second_log_matching_a_pattern_is_an_error_not_a_choice(tmp_path):
    sweep = make_sweep(tmp_path / "sweep")
    job = sweep / "jobs" / JOB
    sample = sample_logs.Sample("framework_logs/x", (JOB,), (("logs/main/*.log", "mmcv.log"),))
    (job / "logs" / "main").mkdir(parents=True)
    for name in ("20261203_173000.log", "20261203_174000.log"):
        (job / "logs" / "main" / name).write_bytes((BSN / "stdout.log").read_bytes()[:100])
    with pytest.raises(SystemExit) as err:
        sample_logs.copy_samples(sweep, tmp_path / "out", [sample])
    assert str(err.value) == (f"error: {job}: logs/main/*.log matches 2 files, not one: "
                              "logs/main/20261203_173000.log, logs/main/20261203_174000.log")


def test_a_probe_folder_without_a_training_step_is_an_error(tmp_path):
    sweep = make_sweep(tmp_path / "sweep")
    folder = sweep / "jobs" / JOB / "probe" / "PEM"
    (folder / "probe-vm-12921.jsonl").unlink()                   # only the helper is left
    with pytest.raises(SystemExit) as err:
        sample_logs.main(["--from", str(sweep), "--only", "framework_logs/bsn-*", str(tmp_path / "out")])
    assert str(err.value) == f"error: no probe records of a training step in {folder}"


def test_an_unfinished_job_and_an_unknown_sample_are_refused(tmp_path):
    sweep = make_sweep(tmp_path / "sweep", status="FAILED")
    with pytest.raises(SystemExit) as err:
        sample_logs.main(["--from", str(sweep), "--only", "framework_logs/bsn-*", str(tmp_path / "out")])
    assert str(err.value).startswith(f"error: {sweep / 'jobs' / JOB} did not complete (FAILED)")
    with pytest.raises(SystemExit) as err:
        sample_logs.main(["--from", str(sweep), "--only", "framework_logs/nope", str(tmp_path / "out")])
    assert str(err.value).startswith("error: --only framework_logs/nope names no sample; the samples: "
                                     "framework_logs/mmaction2-fd993ca, ")
