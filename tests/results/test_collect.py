"""`collect`: a real sweep folder (manifests, the frameworks' own logs, probe records) becomes the
unified CSV; every figure is checked against values computed here from the times written."""
import csv
import hashlib
import math
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.results import collect
from orchestrator.errors import UserError

sys.path.insert(0, str(Path(__file__).parent))
import sweeps  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ["table", "model", "input", "io_backend", "batch_per_gpu", "gpus", "framework",
            "stage", "repeat", "s_per_iter", "median", "stdev", "ci95_low", "ci95_high",
            "n_used", "n_skipped", "mem_gb", "probe_s_per_iter", "probe_mem_gb", "status",
            "warnings", "commit", "job_id", "node", "gpu_name", "driver", "started", "finished",
            "log_path", "log_sha256"]
T_975_249 = 1.969537   # Student t, 97.5 % quantile, 249 degrees of freedom (printed tables)

from sweeps import MMCV, PROBE_DT, PYSF_R0, UNSTABLE  # noqa: E402


@pytest.fixture(scope="module")
def rows(sweep):
    collect.collect(sweep)
    with open(sweep / "results.csv", newline="") as f:
        return {(r["job"], r["stage"]): r for r in csv.DictReader(f)}


def row(rows, name):
    return rows[(name, "")]


def test_columns_are_the_contract_in_order_then_extras(sweep, rows):
    header = (sweep / "results.csv").read_text().splitlines()[0].split(",")
    assert header[:30] == CONTRACT
    assert {"job", "reason", "unstable", "compat_mode", "device", "probe_rss_gb"} <= set(header[30:])


def test_a_pyslowfast_job_gives_its_figure_statistics_and_provenance(sweep, rows):
    r = row(rows, "recognition--i3d-heavy--256p-videos--pyslowfast--r0")
    kept = PYSF_R0[50:]
    assert r["status"] == "COMPLETED"
    assert (r["table"], r["model"], r["input"], r["io_backend"]) == \
        ("recognition", "I3D heavy", "256p videos", "Disk")
    assert (r["batch_per_gpu"], r["gpus"], r["framework"], r["stage"], r["repeat"]) == \
        ("8", "8", "pyslowfast", "", "0")
    assert float(r["s_per_iter"]) == pytest.approx(statistics.fmean(kept), abs=1e-6)
    assert float(r["median"]) == pytest.approx(statistics.median(kept), abs=1e-6)
    sd = statistics.stdev(kept)
    assert float(r["stdev"]) == pytest.approx(sd, abs=1e-6)
    half = T_975_249 * sd / math.sqrt(250)
    assert float(r["ci95_low"]) == pytest.approx(0.44 - half, abs=2e-6)
    assert float(r["ci95_high"]) == pytest.approx(0.44 + half, abs=2e-6)
    assert (r["n_used"], r["n_skipped"]) == ("250", "50")
    assert float(r["mem_gb"]) == 4.45
    assert r["unstable"] == ""
    # provenance
    log = sweep / "jobs" / r["job"] / "logs" / "main" / "stdout.log"
    assert (sweep / r["log_path"]).resolve() == log.resolve()
    assert r["log_sha256"] == hashlib.sha256(log.read_bytes()).hexdigest()
    assert r["commit"] == sweeps.COMMITS["pyslowfast"]
    assert (r["node"], r["gpu_name"], r["driver"]) == ("node7", "Tesla V100-SXM2-32GB", "450.51.06")
    assert r["started"] == "2026-11-26T10:00:00+00:00" and r["finished"].endswith("10:20:00+00:00")
    assert r["device"] == "cuda" and r["compat_mode"] == ""
    assert r["spec"] == "jobs/recognition.yaml"


def test_the_probe_figure_sits_beside_the_self_reported_one(rows):
    r = row(rows, "recognition--i3d-heavy--256p-videos--pyslowfast--r0")
    kept = PROBE_DT[49:]                # marks 51..300: dt of marks 2..50 are the warm-up
    assert float(r["probe_s_per_iter"]) == pytest.approx(statistics.fmean(kept), abs=1e-6)
    assert float(r["probe_mem_gb"]) == 4.2          # GPU peak from the probe
    assert float(r["probe_rss_gb"]) == 1.25         # CPU peak RSS: its own column, never GPU


def test_an_mmcv_json_log_skips_the_warm_up_by_position(rows):
    r = row(rows, "recognition--i3d-heavy--256p-videos--mmaction2--r0")
    kept = MMCV[2:]                      # the records at iterations 20 and 40 are warm-up
    assert float(r["s_per_iter"]) == pytest.approx(round(statistics.fmean(kept), 6))
    assert (r["n_used"], r["n_skipped"]) == ("13", "2")
    assert float(r["mem_gb"]) == pytest.approx(round(8294 / 1024, 4))
    assert r["log_path"].endswith("20200808_101010.log.json")


def test_an_unstable_figure_is_flagged_with_pyperfs_reason(rows):
    r = row(rows, "recognition--slowfast--256p-videos--pyslowfast--r0")
    assert r["status"] == "COMPLETED" and r["unstable"] == "yes"
    assert "unstable: the standard deviation" in r["warnings"]
    assert "50% of the mean" in r["warnings"]


def test_failed_pending_and_unparsable_jobs_are_rows_with_their_reason(sweep, rows):
    failed = row(rows, "recognition--tsn--256p-rawframes--tsm--r0")
    assert failed["status"] == "FAILED" and failed["reason"] == "exit status 1"
    assert failed["s_per_iter"] == "" and failed["log_path"].endswith("stderr.log")
    pending = row(rows, "recognition--tsn--256p-rawframes--mmaction--r0")
    assert pending["status"] == "PENDING" and "no manifest.json" in pending["reason"]
    assert pending["framework"] == "mmaction" and pending["model"] == "TSN"
    bad = row(rows, "recognition--tsm--256p-rawframes--mmaction2--r0")
    assert bad["status"] == "PARSE_ERROR" and "20200808.log.json" in bad["reason"]
    assert bad["s_per_iter"] == ""


def test_cpu_compatibility_mode_is_carried_and_memory_is_not_gpu(rows):
    r = row(rows, "recognition--tsn--256p-rawframes--mmaction2--r0")
    assert r["compat_mode"] == "cpu" and r["device"] == "cpu"
    assert float(r["s_per_iter"]) == 0.31
    # its log printed memory 8294 MiB (what a stand-in answers is no GPU figure): dropped, said why
    assert r["mem_gb"] == "" and r["probe_mem_gb"] == ""
    assert "the log's GPU memory figure 8.0996 GB dropped: the job ran on the CPU (compat mode " \
           "cpu); CPU memory is probe_rss_gb" in r["warnings"]


def test_one_row_per_job_and_stage_and_collecting_twice_gives_the_same_bytes(sweep, rows, tmp_path):
    assert len(rows) == 8
    first = (sweep / "results.csv").read_bytes()
    out = tmp_path / "again.csv"
    p = subprocess.run([sys.executable, "-m", "orchestrator", "collect", str(sweep), "-o",
                        str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(out)
    assert "collected 8 row(s) from 8 job(s)" in p.stderr
    p = subprocess.run([sys.executable, "-m", "orchestrator", "collect", str(sweep)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert (sweep / "results.csv").read_bytes() == first
    # the copy elsewhere differs only in where the log paths point from
    again = list(csv.DictReader(out.open()))
    assert [r["job"] for r in again] == [r["job"] for r in csv.DictReader(open(sweep / "results.csv"))]
    assert all((out.parent / r["log_path"]).resolve() == (sweep / rows[(r["job"], "")]["log_path"]).resolve()
               for r in again if r["log_path"])
    assert not list(sweep.glob(".results.csv.*"))          # no temporary file left behind


def test_not_a_sweep_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(UserError, match="not a sweep folder"):
        collect.collect(tmp_path)
    p = subprocess.run([sys.executable, "-m", "orchestrator", "collect", str(tmp_path / "nope")],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and "nope" in p.stderr and "Traceback" not in p.stderr


def test_several_logs_of_a_stage_the_one_with_most_records_used_counts_and_the_rest_are_named(tmp_path):
    s = sweeps.Sweep(tmp_path / "sweep")
    d = s.job("recognition--i3d-heavy--256p-videos--mmaction2--r0", **sweeps.I3D(framework="mmaction2"))
    logs = d / "logs" / "main"
    # an aborted launch first by name (3 records kept), the real run (13 kept), and the real
    # run's text log, a lower kind that is not read once a .log.json gives a figure
    sweeps.mmcv_json_log(logs / "20200808_090000.log.json", [0.9, 0.9, 0.2, 0.2, 0.2])
    sweeps.mmcv_json_log(logs / "20200808_101010.log.json", MMCV)
    (logs / "20200808_101010.log").write_text("not read\n")
    collect.collect(s.root)
    r = next(csv.DictReader(open(s.root / "results.csv")))
    kept = MMCV[2:]
    assert r["status"] == "COMPLETED" and r["log_path"].endswith("20200808_101010.log.json")
    assert (r["n_used"], float(r["s_per_iter"])) == ("13", round(statistics.fmean(kept), 6))
    assert ("2 logs of this stage give figures: used jobs/recognition--i3d-heavy--256p-videos--mmaction2--r0/"
            "logs/main/20200808_101010.log.json (13 records used, the most), ignored "
            "jobs/recognition--i3d-heavy--256p-videos--mmaction2--r0/logs/main/20200808_090000.log.json (3)") \
        in r["warnings"]


def test_collect_reads_each_log_once(sweep, monkeypatch, tmp_path):
    import parsers
    calls = []
    real = parsers.api.analyse

    def counting(path, *a, **kw):
        calls.append(path)
        return real(path, *a, **kw)
    monkeypatch.setattr(parsers.api, "analyse", counting)
    collect.collect(sweep, tmp_path / "once.csv")
    assert calls and len(calls) == len(set(calls))


def test_a_log_of_window_means_takes_its_spread_from_the_probe(tmp_path):
    """A real MMAction2 fd993ca demo training (tests/framework_logs): its mmcv log holds means over
    the log interval, so the spread, CI and pyperf's within-run rules come from the probe's
    per-iteration times of the same run; the figure itself stays the log's."""
    import json
    import shutil
    real = ROOT / "tests" / "framework_logs" / "mmaction2-fd993ca"
    s = sweeps.Sweep(tmp_path / "sw", specs=("jobs/demo-now.yaml",))
    d = s.job("demo-now--tsn-r18--56px-rawframes--mmaction2--r0", table="demo-now", model="TSN R18",
              input="56px rawframes", io_backend="Disk", batch=2, gpus=1, framework="mmaction2",
              gpu_name=None, driver=None)
    (d / "logs" / "main").mkdir(parents=True)
    shutil.copy(real / "mmcv.log.json", d / "logs" / "main" / "20261126.log.json")
    (d / "probe" / "main").mkdir(parents=True)
    shutil.copy(real / "probe.jsonl", d / "probe" / "main" / "probe-vm-22414.jsonl")
    collect.collect(s.root)
    r = list(csv.DictReader(open(s.root / "results.csv")))[0]
    # the probe's dt after the first 50 marks, read here straight from the JSON lines
    marks = [json.loads(l) for l in (real / "probe.jsonl").read_text().splitlines()]
    dts = [m["dt"] for m in marks if m.get("kind") == "iter" and m["i"] > 50]
    assert r["sample_source"] == "probe" and int(r["sample_n"]) == len(dts) == 70
    assert float(r["sample_mean"]) == pytest.approx(statistics.fmean(dts), abs=1e-6)
    assert float(r["stdev"]) == pytest.approx(statistics.stdev(dts), abs=1e-6)
    t = 1.994945                                      # Student t, 97.5 %, 69 df (tables)
    half = t * statistics.stdev(dts) / math.sqrt(70)
    assert float(r["ci95_high"]) == pytest.approx(statistics.fmean(dts) + half, abs=1e-5)
    # that machine was loaded (iterations from 1.2 s to 5.0 s): flagged, and rightly
    assert r["unstable"] == "yes"
    sd = statistics.stdev(dts) / statistics.fmean(dts)
    assert f"unstable: the standard deviation ({statistics.stdev(dts):.4g}) is " \
           f"{100 * sd:.0f}% of the mean" in r["warnings"]
    assert "too few" not in r["warnings"]             # no precision rule within one run
