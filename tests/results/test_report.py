"""`report`: the collected CSV of a real sweep becomes the page's tables (Markdown, tidy CSV,
HTML with plots, provenance and the comparison with the published figures); bad input is one
line naming the file and row. Expected cells are worked out here from the times in sweeps.py."""
import base64
import csv
import io
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.results import collect
from orchestrator.results import report
from orchestrator.results.results_csv import (EXTRA_COLUMNS, RESULT_COLUMNS, TableInputError,
                                      write_csv)

import sweeps

ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "orchestrator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def results_csv(sweep) -> Path:
    collect.collect(sweep)
    return sweep / "results.csv"


def md_rows(text):
    rows = {}
    for line in text.splitlines():
        if line.startswith("| [") or line.startswith("| **"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            model = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cells[0])
            rows[(model, cells[1])] = cells
    return rows


def test_markdown_table_of_a_sweep(results_csv):
    rep = report.build_report(results_csv)
    text = report.render(rep, "md", out_dir=results_csv.parent)
    rows = md_rows(text)
    i3d = rows[("I3D heavy", "256p videos")]
    # columns: 4 labels, then (s/iter, memory) for MMAction2, MMAction, TSM, PySlowFast
    mmaction2, pysf = i3d[4], i3d[10]
    mmcv_mean = statistics.fmean(sweeps.MMCV[2:])                       # 0.339231 -> 0.339
    # bold: 0.339 against PySlowFast's 0.455 is far beyond the noise (Welch's test on the
    # iterations: 13 window means of sd 0.0104 against 500 iterations of two repeats); not
    # flagged: one run's window means are not runs, so the 1 %-precision rule does not apply
    assert mmaction2 == (f"**[{mmcv_mean:.3f}](jobs/recognition--i3d-heavy--256p-videos"
                         f"--mmaction2--r0/logs/main/20200808_101010.log.json)**")
    assert i3d[5] == "8.10"                        # 8294 MiB
    repeats = statistics.fmean([statistics.fmean(sweeps.PYSF_R0[50:]),
                                statistics.fmean(sweeps.PYSF_R1[50:])])
    # mean over the two repeats, not bold; 0.44 and 0.47 are two runs 7 % apart: the 95 % CI
    # of their mean is +-12.706 * 0.0212 / sqrt(2) = +-0.19 (42 %), far from +-1 %: flagged
    assert pysf == f"[{repeats:.3f}](jobs/recognition--i3d-heavy--256p-videos--pyslowfast--r0/" \
                   f"logs/main/stdout.log)†"
    assert "too few repeats (n=2) for the spread between them: the 95% CI is +-41.9% of the " \
           "mean" in text
    assert i3d[11] == "4.45"
    assert i3d[6:10] == ["x", "x", "x", "x"]
    tsn = rows[("TSN", "256p rawframes")]
    assert tsn[4].startswith("[0.310](") and tsn[4].endswith("‡")   # alone in its row: not bold
    assert tsn[6:8] == ["PENDING", "PENDING"] and tsn[8:10] == ["FAILED", "FAILED"]
    assert tsn[10:12] == ["x", "x"]
    assert rows[("TSM", "256p rawframes")][4] == "PARSE_ERROR"
    slowfast = rows[("Slowfast", "256p videos")]
    # the only figure of its row: nothing to be faster than, so not bold
    assert slowfast[10].startswith("[1.00](") and slowfast[10].endswith(")†")
    assert rows[("I3D", "256p rawframes")][4:8] == ["TODO"] * 4
    assert "‡ CPU compatibility mode" in text and "† unstable" in text
    assert "recognition--tsn--256p-rawframes--tsm--r0: FAILED: exit status 1" in text


def test_tidy_csv_flags_and_compares_with_the_published_figures(results_csv):
    out = run("report", str(results_csv), "--format", "csv")
    assert out.returncode == 0, out.stderr
    cells = {(r["model"], r["input"], r["framework"], r["column"]): r
             for r in csv.DictReader(io.StringIO(out.stdout))}
    m2 = cells[("I3D heavy", "256p videos", "mmaction2", "s_per_iter")]
    pysf = cells[("I3D heavy", "256p videos", "pyslowfast", "s_per_iter")]
    assert m2["unstable"] == "" and m2["bold"] == "yes" and pysf["bold"] == ""
    assert pysf["unstable"] == "yes"
    assert float(m2["ratio"]) == pytest.approx(statistics.fmean(sweeps.MMCV[2:]) / 0.34, abs=1e-3)
    assert float(pysf["ratio"]) == pytest.approx(0.455 / 0.44, abs=1e-3)
    assert m2["ranking_matches"] == pysf["ranking_matches"] == "yes"
    # the row's Welch test, by hand: MMAction2 logs window means and has no probe, so its 13
    # kept records are its sample; PySlowFast's 2 x 250 iterations are pooled
    a = sweeps.MMCV[2:]
    b = sweeps.PYSF_R0[50:] + sweeps.PYSF_R1[50:]
    se2_a, se2_b = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    t = (statistics.fmean(b) - statistics.fmean(a)) / (se2_a + se2_b) ** 0.5
    df = (se2_a + se2_b) ** 2 / (se2_a ** 2 / (len(a) - 1) + se2_b ** 2 / (len(b) - 1))
    assert (m2["significance"], m2["compared_with"], m2["test_unit"]) == \
        ("significant", "pyslowfast", "iterations")
    assert float(m2["welch_t"]) == pytest.approx(t, abs=2e-3)        # 38.73
    assert float(m2["welch_df"]) == pytest.approx(df, abs=0.02)      # 13.96
    assert pysf["significance"] == ""                                # said once, on the fastest
    half = 12.706 * statistics.stdev([0.44, 0.47]) / 2 ** 0.5         # t(0.975, 1): 2 repeats
    assert float(pysf["ci95_high"]) == pytest.approx(0.455 + half, abs=1e-3)
    tsn = cells[("TSN", "256p rawframes", "mmaction2", "s_per_iter")]
    assert tsn["compat_mode"] == "CPU compatibility mode" and tsn["text"] == "0.310‡"


def test_html_report_with_plots_provenance_and_comparison(results_csv, tmp_path):
    out = run("report", str(results_csv), "--format", "html", "-o", str(tmp_path))
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "report.html").read_text()
    assert out.stdout.strip() == str(tmp_path / "report.html")
    assert "<h2 id=\"table-recognition\">Action recognizers</h2>" in page
    assert "CPU compatibility mode" in page
    assert sweeps.COMMITS["pyslowfast"][:12] in page and "node7" in page
    assert "450.51.06" in page and "Tesla V100-SXM2-32GB" in page
    assert "the standard deviation (0.501) is 50% of the mean" in page
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(pngs) >= 5              # one per job with a readable log
    assert all(base64.b64decode(p)[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert '<span class="ok">✓</span>' in page            # the I3D heavy row ranks as published
    zh = run("report", str(results_csv), "--format", "html", "--lang", "zh", "--no-plots",
             "-o", str(tmp_path / "zh"))
    assert zh.returncode == 0, zh.stderr
    assert "行为识别器" in (tmp_path / "zh" / "report.html").read_text()


def test_markdown_to_a_folder_links_relative_to_it(results_csv, tmp_path):
    out = run("report", str(results_csv), "-o", str(results_csv.parent / "md"))
    assert out.returncode == 0, out.stderr
    text = (results_csv.parent / "md" / "results.md").read_text()
    link = re.search(r"\]\(([^)]*stdout\.log)\)", text).group(1)
    assert (results_csv.parent / "md" / link).is_file()


def test_a_table_without_spec_shows_probe_and_cpu_memory_side_by_side(tmp_path):
    rows = [dict(table="custom", model="TSN", input="256p videos", io_backend="Disk",
                 batch_per_gpu="2", gpus="1", framework=fw, repeat="0", s_per_iter=s,
                 probe_s_per_iter=p, status="COMPLETED", probe_rss_gb=rss, device="cpu")
            for fw, s, p, rss in (("mmaction2", "0.210000", "0.205000", "1.5000"),
                                  ("mmaction", "0.190000", "0.195000", "1.2500"))]
    path = tmp_path / "r.csv"
    write_csv(path, [{**{c: "" for c in RESULT_COLUMNS + EXTRA_COLUMNS}, **r} for r in rows])
    out = run("report", str(path))
    assert out.returncode == 0, out.stderr
    header = [l for l in out.stdout.splitlines() if l.startswith("| Model")][0]
    assert "MMAction2 probe (s/iter)" in header and "MMAction2 peak RSS, CPU (GB)" in header
    assert "GPU memory" not in header               # CPU RSS is never shown as GPU memory
    row = [l for l in out.stdout.splitlines() if l.startswith("| TSN")][0]
    cells = [c.strip() for c in row.strip("|").split("|")]
    # no stdev or sample size in these rows: faster by 0.02, but whether beyond noise cannot
    # be tested, so neither bold nor ≈, and the table says why
    assert cells[4:] == ["0.210", "0.205", "1.50", "0.190", "0.195", "1.25"]
    assert "not tested (the CSV has no per-iteration spread" in out.stdout
    assert "no spec for table 'custom'" in out.stderr


HEADER = ",".join(RESULT_COLUMNS)


def good_row(**kw):
    r = dict(table="recognition", model="TSN", input="256p rawframes", io_backend="Memcached",
             batch_per_gpu="32", gpus="8", framework="mmaction2", repeat="0",
             s_per_iter="0.32", status="COMPLETED")
    r.update(kw)
    return ",".join(r.get(c, "") for c in RESULT_COLUMNS)


@pytest.mark.parametrize("name,content,message", [
    ("missing.csv", "table,model\nrecognition,TSN\n", "row 1: not a vidbench results CSV: missing column(s) input"),
    ("fw.csv", HEADER + "\n" + good_row() + "\n" + good_row(framework="caffe") + "\n", "row 3: unknown framework 'caffe'"),
    ("model.csv", HEADER + "\n" + good_row(model="ResNeXt") + "\n", "row 2: unknown model 'ResNeXt'"),
    ("num.csv", HEADER + "\n" + good_row(s_per_iter="fast") + "\n", "row 2: s_per_iter 'fast' is not a number"),
    ("nan.csv", HEADER + "\n" + good_row(mem_gb="nan") + "\n", "row 2: mem_gb 'nan' is not a finite number"),
    ("int.csv", HEADER + "\n" + good_row(gpus="eight") + "\n", "row 2: gpus 'eight' is not a whole number"),
    ("cells.csv", HEADER + "\n" + good_row() + ",extra\n", "row 2: 1 cell(s) more than the header has"),
    ("bin.csv", b"\x1f\x8b\x08\x00binary", "row 1: binary data, not a CSV file"),
    ("empty.csv", "", "row 1: empty file"),
    ("prose.csv", "Dear reader, this is prose.\nNot a table\n", "row 1: not a vidbench results CSV"),
])
def test_bad_input_is_one_line_naming_file_and_row(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = run("report", str(path))
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"error: {path}: ") and message in out.stderr
    with pytest.raises(TableInputError):
        report.build_report(path)


def test_missing_file_and_usage_errors(tmp_path):
    out = run("report", str(tmp_path / "nope.csv"))
    assert out.returncode == 1 and "nope.csv: no such file" in out.stderr
    out = run("report", str(tmp_path / "nope.csv"), "--format", "pdf")
    assert out.returncode == 2


def test_the_demo_table_uses_its_spec_labels_and_keeps_cpu_memory_apart(tmp_path):
    base = {c: "" for c in RESULT_COLUMNS + EXTRA_COLUMNS}
    cell = dict(table="demo-now", model="tsn r18", input="56PX RAWFRAMES", io_backend="disk",
                batch_per_gpu="2", gpus="1", repeat="0", status="COMPLETED", device="cpu")
    rows = [dict(base, **cell, framework="mmaction2-now", s_per_iter="0.412345",
                 probe_s_per_iter="0.401000", probe_rss_gb="1.2345"),
            dict(base, **cell, framework="mmaction2", s_per_iter="0.398000",
                 probe_s_per_iter="0.420000", probe_rss_gb="0.9876", compat_mode="cpu")]
    path = tmp_path / "demo.csv"
    write_csv(path, rows)
    rep = report.build_report(path)
    text = report.render(rep, "md")
    lines = text.splitlines()
    header = [c.strip() for c in lines[2].strip("|").split("|")]
    # the pinned MMAction2 first (the page's order), today's as the "then and now" column last
    assert header[4:7] == ["MMAction2 (fd993ca) (s/iter)", "MMAction2 (fd993ca) probe (s/iter)",
                           "MMAction2 (fd993ca) peak RSS, CPU (GB)"]
    assert header[-3:] == ["MMAction2 1.2.0 (now) (s/iter)", "MMAction2 1.2.0 (now) probe (s/iter)",
                           "MMAction2 1.2.0 (now) peak RSS, CPU (GB)"]
    first = [c.strip() for c in lines[4].strip("|").split("|")]
    # labels come back in the spec's spelling; without a spread no figure is bold
    assert first[:4] == ["TSN R18", "56px rawframes", "Disk", "2x1"]
    assert first[4:7] == ["0.398‡", "0.420‡", "0.988‡"]
    assert first[-3:] == ["0.412", "0.401", "1.23"]
    second = [c.strip() for c in lines[5].strip("|").split("|")][4:]
    assert set(second) == {"TODO"}   # the videos row: not measured in this CSV
    assert "‡ CPU compatibility mode" in text


def significance_csv(tmp_path, figures):
    """A CSV of one TSN row: per framework a list of (repeat, s_per_iter, stdev, n)."""
    base = {c: "" for c in RESULT_COLUMNS + EXTRA_COLUMNS}
    rows = []
    for fw, repeats in figures.items():
        for rep, s, sd, n in repeats:
            rows.append(dict(base, table="recognition", model="TSN", input="256p rawframes",
                             io_backend="Memcached", batch_per_gpu="32", gpus="8", framework=fw,
                             repeat=str(rep), s_per_iter=f"{s:.6f}", stdev=f"{sd:.6f}",
                             n_used=str(n), sample_source="probe", sample_n=str(n),
                             sample_mean=f"{s:.6f}", status="COMPLETED", job=f"{fw}-r{rep}"))
    path = tmp_path / "sig.csv"
    write_csv(path, rows)
    return path


def tsn_cells(path):
    text = report.render(report.build_report(path), "md")
    line = [l for l in text.splitlines() if l.startswith("| [TSN]")][0]
    return [c.strip() for c in line.strip("|").split("|")], text


def test_a_difference_within_noise_is_not_bold_but_marked_on_both(tmp_path):
    # 50 iterations each, sd 0.02: t = 0.002 / sqrt(2 * 0.0004 / 50) = 0.5, far below 1.98
    cells, text = tsn_cells(significance_csv(tmp_path, {
        "mmaction2": [(0, 0.300, 0.02, 50)], "mmaction": [(0, 0.302, 0.02, 50)]}))
    assert cells[4] == "0.300≈" and cells[6] == "0.302≈"
    assert "≈: the fastest and the next differ by less than the noise" in text


def test_a_difference_beyond_noise_is_bold(tmp_path):
    # t = 0.03 / 0.004 = 7.5 with df = 98: p far below 0.05
    cells, _ = tsn_cells(significance_csv(tmp_path, {
        "mmaction2": [(0, 0.300, 0.02, 50)], "mmaction": [(0, 0.330, 0.02, 50)]}))
    assert cells[4] == "**0.300**" and cells[6] == "0.330"


def test_with_repeats_on_both_sides_the_test_is_on_the_repeats(tmp_path):
    # repeat means 0.30, 0.31 against 0.40, 0.41: sd 0.00707 each, se^2 2.5e-5 each,
    # t = 0.1 / sqrt(5e-5) = 14.1, df = 2, t(0.975, 2) = 4.303: significant. The iterations
    # (sd 0.5 each, 20 per repeat) would say otherwise (t = 0.1 / sqrt(2 * 0.25 / 40) = 0.89)
    path = significance_csv(tmp_path, {
        "mmaction2": [(0, 0.30, 0.5, 20), (1, 0.31, 0.5, 20)],
        "mmaction": [(0, 0.40, 0.5, 20), (1, 0.41, 0.5, 20)]})
    cells, _ = tsn_cells(path)
    assert cells[4] == "**0.305**†" and cells[6] == "0.405†"    # † : 2 repeats, CI > +-1 %
    out = run("report", str(path), "--format", "csv")
    fastest = [r for r in csv.DictReader(io.StringIO(out.stdout))
               if r["framework"] == "mmaction2" and r["column"] == "s_per_iter"][0]
    assert fastest["test_unit"] == "repeats"
    assert float(fastest["welch_t"]) == pytest.approx(0.1 / (5e-5) ** 0.5, rel=1e-3)
    assert float(fastest["welch_df"]) == pytest.approx(2.0, abs=0.01)


def test_real_demo_trainings_on_a_loaded_machine_are_within_noise_and_flagged(tmp_path):
    """Two demo frameworks' real logs (MMAction2 fd993ca, tests/framework_logs, and 1.2.0,
    tests/demo_logs: one TSN R18 training each, on a loaded machine, iterations from 1.2 to 5 s):
    the table must not claim a winner."""
    import json
    import shutil
    logs = ROOT / "tests"
    s = sweeps.Sweep(tmp_path / "sw", specs=("jobs/demo-now.yaml",))
    cell = dict(table="demo-now", model="TSN R18", input="56px rawframes", io_backend="Disk",
                batch=2, gpus=1, gpu_name=None, driver=None)
    samples = {}
    for fw, folder, files in (("mmaction2-now", "demo_logs/mmaction2-1.2.0", ("scalars.json", "mmengine.log")),
                              ("mmaction2", "framework_logs/mmaction2-fd993ca", ("mmcv.log.json",))):
        d = s.job(f"demo-now--tsn-r18--56px-rawframes--{fw}--r0", framework=fw, **cell)
        (d / "logs" / "main").mkdir(parents=True)
        for f in files:
            shutil.copy(logs / folder / f, d / "logs" / "main" / f)
        (d / "probe" / "main").mkdir(parents=True)
        shutil.copy(logs / folder / "probe.jsonl", d / "probe" / "main" / "probe-vm-1.jsonl")
        marks = [json.loads(l) for l in (logs / folder / "probe.jsonl").read_text().splitlines()]
        samples[fw] = [m["dt"] for m in marks if m.get("kind") == "iter" and m["i"] > 50]
    collect.collect(s.root)
    text = report.render(report.build_report(s.root / "results.csv"), "md", s.root)
    line = [l for l in text.splitlines() if l.startswith("| TSN R18 | 56px rawframes")][0]
    cells = [c.strip() for c in line.strip("|").split("|")]
    # Welch by hand on the probe's iterations (both logs hold window means)
    a, b = samples["mmaction2"], samples["mmaction2-now"]       # 70 and 50 iterations
    se2 = statistics.variance(a) / len(a) + statistics.variance(b) / len(b)
    t = abs(statistics.fmean(b) - statistics.fmean(a)) / se2 ** 0.5
    assert len(a) == 70 and len(b) == 50 and t < 2.0            # 1.15: within noise
    s_cells = [c for c in cells[4:] if "](" in c]                # the two linked s/iter figures
    assert len(s_cells) == 2
    assert all("≈" in c and "†" in c and not c.startswith("**") for c in s_cells)
