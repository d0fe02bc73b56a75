"""tests/framework_logs: real logs of TSM 8d53d6f, PySlowFast 8299c98, BSN f13707f, BMN 45d0514
and MMAction2 fd993ca's localizers (BSN TEM + PEM, BMN), each from one job of the lead's
``make demo`` run ``results/demo/20261203T170008Z`` (``python -m demo.sample_logs tests --from
RUN``; SOURCE.json in each folder says what ran), read by the real parsers.

Each sample gives the figure that ``collect`` computed for its job in that run's results.csv
(the literals below, copied from it), and that figure is the mean of the raw records after the
50-iteration warm-up, recomputed here by hand. BSN and BMN print per-epoch losses only: their own
output gives no figure, the probe's records do. A truncated copy of each sample (the job killed
in its tenth record, within the warm-up) is a one-line error naming the file.
"""
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from parsers import LogError, summarize

ROOT = pathlib.Path(__file__).resolve().parents[2]
LOGS = ROOT / "tests" / "framework_logs"
TSM, PYSF = LOGS / "tsm-8d53d6f", LOGS / "pyslowfast-8299c98"
BSN, BMN = LOGS / "bsn-f13707f", LOGS / "bmn-45d0514"
M2_BSN, M2_BMN = LOGS / "mmaction2-fd993ca-localizers" / "bsn", LOGS / "mmaction2-fd993ca-localizers" / "bmn"
SKIP = 50

# The figures of results/demo/20261203T170008Z/results.csv (collect, the lead's demo run of
# every framework at its pin): job, stage -> s_per_iter, median, n_used, n_skipped,
# probe_s_per_iter, probe_n_used, probe_rss_gb. The framework's figure of BSN and BMN is the
# probe's (collect reads their probe folder).
RESULTS = {
    ("demo--tsm-r18--224px-rawframes--tsm--r0", ""):
        (2.568600, 2.573000, 10, 50, 2.569010, 10, 0.8644),
    ("demo--slowfast-r50--64px-videos--pyslowfast--r0", ""):
        (4.784298, 4.887880, 14, 50, 4.785930, 14, 1.2609),
    ("demo-localization--bsn--activitynet-400x100-features--bsn--r0", "TEM"):
        (0.832094, 0.723472, 30, 49, 0.832094, 30, 0.3322),
    ("demo-localization--bsn--activitynet-400x100-features--bsn--r0", "PEM"):
        (0.204790, 0.110026, 30, 49, 0.204790, 30, 0.3008),
    ("demo-localization--bmn--activitynet-400x16-features--bmn--r0", ""):
        (0.525983, 0.508973, 22, 49, 0.525983, 22, 0.2838),
    # TEM: from the text log (collect's choice in that run; its .log.json agrees: see below)
    ("demo-localization--bsn--activitynet-400x100-features--mmaction2--r0", "TEM"):
        (1.685200, 1.160500, 10, 50, 2.527726, 10, 0.3260),
    ("demo-localization--bsn--activitynet-400x100-features--mmaction2--r0", "PEM"):
        (2.226422, 1.809030, 10, 50, 2.227370, 10, 0.3032),
    ("demo-localization--bmn--activitynet-400x16-features--mmaction2--r0", ""):
        (0.377727, 0.366325, 22, 50, 0.377745, 22, 0.2859),
}


def run_parser(*args):
    return subprocess.run([sys.executable, "-m", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)


# ----------------------------------------------------------------------------- by hand

def tsm_times(path):
    """`Epoch: [e][i/N] ... Time v (mean)`: 0-based epoch and batch, position e*N + i + 1."""
    times = []
    for m in re.finditer(r"^Epoch: \[(\d+)\]\[(\d+)/(\d+)\], lr: \S+\tTime ([0-9.]+) ",
                         path.read_text(), re.M):
        e, i, n, t = int(m[1]), int(m[2]), int(m[3]), float(m[4])
        times.append((e * n + i + 1, t))
    return times


def pyslowfast_times(path):
    """`json_stats: {"_type": "train_iter", "epoch": "k/M", "iter": "i/N", "time_diff": t}`."""
    times = []
    for line in path.read_text().splitlines():
        if "json_stats: " in line:
            r = json.loads(line.split("json_stats: ", 1)[1])
            if r["_type"] == "train_iter":
                (k, _), (i, n) = (map(int, r["epoch"].split("/")), map(int, r["iter"].split("/")))
                times.append(((k - 1) * n + i, r["time_diff"]))
    return times


def probe_times(path):
    """`{"kind": "iter", "i": i, "dt": t}`; the first mark has dt null (no record)."""
    rs = [json.loads(line) for line in path.read_text().splitlines()]
    return [(r["i"], r["dt"]) for r in rs if r["kind"] == "iter" and r["dt"] is not None]


def mmcv_json_times(path):
    """mmcv 1.0.5 `.log.json` train records; position (epoch - 1) * N + iter."""
    rs = [json.loads(line) for line in path.read_text().splitlines()]
    train = [r for r in rs if r.get("mode") == "train"]
    n = max(r["iter"] for r in train if r["epoch"] == 1)
    return [((r["epoch"] - 1) * n + r["iter"], r["time"]) for r in train]


def kept_mean(times):
    kept = [t for pos, t in times if pos > SKIP]
    return len(times), len(times) - len(kept), len(kept), round(sum(kept) / len(kept), 6)


# path, parser, format, time field, by hand, (job, stage) in results.csv, figure column
# ("log": s_per_iter, "probe": probe_s_per_iter)
FIGURES = [
    (TSM / "log.csv", "tsm", "tsm-log.csv", "Time", tsm_times,
     ("demo--tsm-r18--224px-rawframes--tsm--r0", ""), "log"),
    (TSM / "stdout.log", "tsm", "tsm-stdout", "Time", tsm_times,
     ("demo--tsm-r18--224px-rawframes--tsm--r0", ""), "log"),
    (TSM / "probe.jsonl", "probe", "probe-jsonl", "dt", probe_times,
     ("demo--tsm-r18--224px-rawframes--tsm--r0", ""), "probe"),
    (PYSF / "stdout.log", "pyslowfast", "json_stats", "time_diff|dt", pyslowfast_times,
     ("demo--slowfast-r50--64px-videos--pyslowfast--r0", ""), "log"),
    (PYSF / "probe.jsonl", "probe", "probe-jsonl", "dt", probe_times,
     ("demo--slowfast-r50--64px-videos--pyslowfast--r0", ""), "probe"),
    (BSN / "tem.probe.jsonl", "bsn", "probe-jsonl", "dt", probe_times,
     ("demo-localization--bsn--activitynet-400x100-features--bsn--r0", "TEM"), "log"),
    (BSN / "pem.probe.jsonl", "bsn", "probe-jsonl", "dt", probe_times,
     ("demo-localization--bsn--activitynet-400x100-features--bsn--r0", "PEM"), "log"),
    (BMN / "probe.jsonl", "bmn", "probe-jsonl", "dt", probe_times,
     ("demo-localization--bmn--activitynet-400x16-features--bmn--r0", ""), "log"),
    (M2_BSN / "tem.probe.jsonl", "probe", "probe-jsonl", "dt", probe_times,
     ("demo-localization--bsn--activitynet-400x100-features--mmaction2--r0", "TEM"), "probe"),
    (M2_BSN / "pem.mmcv.log.json", "mmaction2", "mmcv-json", "time", mmcv_json_times,
     ("demo-localization--bsn--activitynet-400x100-features--mmaction2--r0", "PEM"), "log"),
    (M2_BSN / "pem.probe.jsonl", "probe", "probe-jsonl", "dt", probe_times,
     ("demo-localization--bsn--activitynet-400x100-features--mmaction2--r0", "PEM"), "probe"),
    (M2_BMN / "mmcv.log.json", "mmaction2", "mmcv-json", "time", mmcv_json_times,
     ("demo-localization--bmn--activitynet-400x16-features--mmaction2--r0", ""), "log"),
    (M2_BMN / "probe.jsonl", "probe", "probe-jsonl", "dt", probe_times,
     ("demo-localization--bmn--activitynet-400x16-features--mmaction2--r0", ""), "probe"),
]


def case_id(case):
    return str(case[0].relative_to(LOGS))


@pytest.mark.parametrize("case", FIGURES, ids=case_id)
def test_each_sample_gives_the_figure_collect_computed_for_its_job(case):
    path, framework, fmt, time_field, by_hand, key, column = case
    s_per_iter, median, n_used, n_skipped, probe_s, probe_n, probe_rss = RESULTS[key]
    n_records, n_warm, n_kept, mean = kept_mean(by_hand(path))
    got = summarize(path, framework=framework)
    assert (got["format"], got["time_field"], got["n_runs"]) == (fmt, time_field, 1)
    assert (got["n_train_records"], got["n_skipped_warmup"], got["n_used"]) == (n_records, n_warm, n_kept)
    assert got["mean_s_per_iter"] == mean                       # the raw records' mean, 6 decimals
    if column == "log":
        assert (got["mean_s_per_iter"], got["median_s_per_iter"]) == (s_per_iter, median)
        assert (got["n_used"], got["n_skipped_warmup"]) == (n_used, n_skipped)
    else:
        assert (got["mean_s_per_iter"], got["n_used"]) == (probe_s, probe_n)
    detected = summarize(path)                                  # `python -m parsers LOG`: detected
    assert (detected["framework"], detected["format"], detected["mean_s_per_iter"]) == \
        ("probe" if fmt == "probe-jsonl" else framework, fmt, mean)
    if fmt == "probe-jsonl":
        assert got["max_rss_gb"] == probe_rss                  # the process's peak RSS, CPU memory
        assert got["max_gpu_mem_gb"] is None and got["warnings"] == []


def test_tsm_log_csv_and_its_stdout_are_the_same_records():
    # main.py prints each record to stdout and writes it to log.csv: same 60 records, same figure
    assert tsm_times(TSM / "log.csv") == tsm_times(TSM / "stdout.log")
    assert len(tsm_times(TSM / "log.csv")) == 60          # 15 epochs of 4 batches, --print-freq 1


def test_pyslowfast_logs_a_gpu_memory_of_zero_on_the_cpu_and_val_records_beside():
    # "gpu_mem": "0.00 GB" on every record of the CPU run; collect drops it (compat mode cpu).
    # Not train records: 4 val_iter, 1 train_epoch, 1 val_epoch (the validation after the epoch)
    got = summarize(PYSF / "stdout.log", framework="pyslowfast")
    assert got["max_gpu_mem_gb"] == 0.0 and got["n_other_records"] == 6


@pytest.mark.parametrize("path,title", [(BSN / "stdout.log", "BSN"), (BMN / "stdout.log", "BMN")],
                         ids=["bsn", "bmn"])
def test_bsn_and_bmn_own_output_gives_no_figure_and_points_to_the_probe(path, title):
    text = path.read_text()
    assert ("Epoch-19 Train Loss: Action - " in text) if title == "BSN" else \
        ("BMN training loss(epoch 2): tem_loss: " in text)
    proc = run_parser(f"parsers.{title.lower()}", path)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        f"error: {path}: {title}'s own output has no per-iteration timing (only per-epoch losses), so it "
        f"gives no s/iter figure; run the training under the timing probe (python -m orchestrator probe --out "
        f"DIR -- COMMAND) and parse DIR: python -m parsers.{title.lower()} DIR\n")


@pytest.mark.parametrize("stage,path", [("TEM", BSN / "tem.probe.jsonl"), ("PEM", BSN / "pem.probe.jsonl")])
def test_bsn_stage_figures_come_from_the_probe_through_the_cli(stage, path):
    proc = run_parser("parsers.bsn", "--json", path)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    key = ("demo-localization--bsn--activitynet-400x100-features--bsn--r0", stage)
    assert (got["framework"], got["format"]) == ("bsn", "probe-jsonl")
    assert (got["mean_s_per_iter"], got["n_used"]) == (RESULTS[key][0], RESULTS[key][2])


def test_mmaction2_tem_text_log_gives_collects_figure_and_the_probe_more():
    """TEM ran the pinned config's workflow [train, val]: mmcv's time of an epoch's first
    iteration starts with the epoch, the probe's step time also holds the validation epoch and
    checkpoint before it (the lead's later demo drops TEM's validation for this reason)."""
    key = ("demo-localization--bsn--activitynet-400x100-features--mmaction2--r0", "TEM")
    text = summarize(M2_BSN / "tem.mmcv.log", framework="mmaction2")
    assert (text["format"], text["n_train_records"], text["n_used"]) == ("mmcv-text", 60, 10)
    assert (text["mean_s_per_iter"], text["median_s_per_iter"]) == RESULTS[key][:2]
    probe = summarize(M2_BSN / "tem.probe.jsonl", framework="probe")
    assert probe["mean_s_per_iter"] == RESULTS[key][4] > text["mean_s_per_iter"]


def test_mmaction2_tem_log_json_gives_the_figure_of_its_train_records():
    """mmcv 1.0.5 writes the val epoch's records of a [train, val] workflow with mode "train" and
    no loss (parsers/mmcv_logs.py): they are other records, not train records."""
    records = [json.loads(line) for line in (M2_BSN / "tem.mmcv.log.json").read_text().splitlines()][1:]
    assert len(records) == 80 and sum("loss" in r for r in records) == 60   # 20 val records, no loss
    got = summarize(M2_BSN / "tem.mmcv.log.json", framework="mmaction2")
    kept = [r["time"] for r in records if "loss" in r and (r["epoch"] - 1) * 3 + r["iter"] > SKIP]
    assert (got["n_train_records"], got["n_used"]) == (60, 10)
    assert got["mean_s_per_iter"] == round(sum(kept) / len(kept), 6)      # 1.685141; text: 1.6852


@pytest.mark.parametrize("folder,stages", [(TSM, [""]), (PYSF, [""]), (BSN, ["TEM", "PEM"]), (BMN, [""]),
                                           (M2_BSN, ["TEM", "PEM"]), (M2_BMN, [""])], ids=lambda v: str(v))
def test_source_json_names_the_job_and_holds_collects_figures(folder, stages):
    source = json.loads((folder / "SOURCE.json").read_text())
    pins = {"tsm": "8d53d6f", "pyslowfast": "8299c98", "bsn": "f13707f", "bmn": "45d0514", "mmaction2": "fd993ca"}
    assert source["commit"].startswith(pins[source["framework"]]) and source["status"] == "COMPLETED"
    assert (source["host"], source["started"][:11]) == ("vm", "2026-12-03T")
    assert [row["stage"] for row in source["results_csv"]] == stages
    for row in source["results_csv"]:
        assert float(row["s_per_iter"]) == RESULTS[(source["job"], row["stage"])][0]
    assert sorted(source["files"]) == sorted(p.name for p in folder.iterdir() if p.name != "SOURCE.json")


# ----------------------------------------------------------------------------- truncated copies

RECORD_MARKS = ("Epoch: [", "json_stats: ", '"kind": "iter"', '"mode": "train"', "Epoch [",
                " Train Loss: ", "BMN training loss(")
TRUNCATED = [  # sample, parser, message after "error: PATH: " (the tenth record cut in half)
    (TSM / "log.csv", "tsm", "9 train records"),
    (TSM / "stdout.log", "tsm", "9 train records"),
    (TSM / "probe.jsonl", "probe", "8 train records"),
    (PYSF / "stdout.log", "pyslowfast", "9 train records"),
    (PYSF / "probe.jsonl", "probe", "8 train records"),
    (BSN / "tem.probe.jsonl", "bsn", "8 train records"),
    (BSN / "pem.probe.jsonl", "bsn", "8 train records"),
    (BSN / "stdout.log", "bsn", "no timing"),
    (BMN / "probe.jsonl", "bmn", "8 train records"),
    (BMN / "stdout.log", "bmn", "no timing"),
    (M2_BSN / "tem.mmcv.log", "mmaction2", "9 train records"),
    (M2_BSN / "tem.mmcv.log.json", "mmaction2", "7 train records"),   # 9 lines, 2 of them the val epochs' (no loss)
    (M2_BSN / "tem.probe.jsonl", "probe", "8 train records"),
    (M2_BSN / "pem.mmcv.log", "mmaction2", "9 train records"),
    (M2_BSN / "pem.mmcv.log.json", "mmaction2", "9 train records"),
    (M2_BSN / "pem.probe.jsonl", "probe", "8 train records"),
    (M2_BMN / "mmcv.log", "mmaction2", "9 train records"),
    (M2_BMN / "mmcv.log.json", "mmaction2", "9 train records"),
    (M2_BMN / "probe.jsonl", "probe", "8 train records"),
]


def cut_in_tenth_record(data: bytes) -> bytes:
    """The bytes up to the middle of the tenth record-looking line (a job killed while writing
    it); BMN's stdout has fewer: it is cut in half."""
    offset, seen = 0, 0
    for line in data.split(b"\n"):
        if any(m.encode() in line for m in RECORD_MARKS):
            seen += 1
            if seen == 10:
                return data[:offset + len(line) // 2]
        offset += len(line) + 1
    return data[:len(data) // 2]


@pytest.mark.parametrize("sample,parser,what", TRUNCATED, ids=lambda v: getattr(v, "name", None))
def test_a_truncated_copy_is_a_one_line_error_naming_the_file(tmp_path, sample, parser, what):
    path = tmp_path / sample.name
    path.write_bytes(cut_in_tenth_record(sample.read_bytes()))
    proc = run_parser(f"parsers.{parser}", path)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith(f"error: {path}: ") and proc.stderr.count("\n") == 1
    message = proc.stderr[len(f"error: {path}: "):]
    if what == "no timing":
        assert message.startswith(f"{parser.upper()}'s own output has no per-iteration timing")
        return
    assert message.startswith(f"{what}, all within the first 50 iterations of their run; nothing left to "
                              "average (`--skip 0` keeps them)")
    if parser in ("probe", "bsn", "bmn"):   # the probe's file has no footer: the run was cut short
        assert message.endswith(f"{path.name}: incomplete run: no footer (the process ended without the probe's "
                                "exit record: SIGKILL, os._exit, a crash, or still running) after 9 iteration "
                                "marks up to i=9 (8 timed records): the run was cut short\n")
