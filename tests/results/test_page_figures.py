"""The page from its own numbers: tests/results/page_figures.csv holds the figures published on
MMAction2's benchmark page (transcribed by hand from ../shared/reference/benchmark_zh-CN.md and
DEFINITIONS.md); `report --lang zh` must give back the page's tables cell for cell: headings,
labels, figures, links to the logs, bold fastest figures, `x` and `TODO` (from jobs/*.yaml)."""
import re
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
PAGE_CSV = ROOT / "tests" / "results" / "page_figures.csv"
HEADINGS = {"recognition": "### 行为识别器", "localization": "### 时序动作检测器"}
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def markdown_tables(text: str) -> dict:
    """heading -> rows of cells (header first, alignment row dropped) of each Markdown table."""
    tables, heading, rows = {}, None, None
    for line in text.splitlines():
        if line.startswith("#"):
            heading, rows = line.strip(), None
            continue
        if line.strip().startswith("|") and heading:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue
            if rows is None:
                rows = tables.setdefault(heading, [])
            rows.append(cells)
    return tables


def report(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orchestrator", "report", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_recognition_table_is_the_pages_cell_for_cell(shared_dir):
    page = markdown_tables((shared_dir / "reference" / "benchmark_zh-CN.md").read_text())
    out = report(str(PAGE_CSV), "--lang", "zh", "--table", "recognition")
    assert out.returncode == 0, out.stderr
    ours = markdown_tables(out.stdout)
    want, got = page[HEADINGS["recognition"]], ours[HEADINGS["recognition"]]
    assert len(got) == len(want) == 14
    for i, (w, g) in enumerate(zip(want, got)):
        assert g == w, f"row {i}: {g} != {w}"


def test_localization_table_is_the_pages_cell_for_cell(shared_dir):
    page = markdown_tables((shared_dir / "reference" / "benchmark_zh-CN.md").read_text())
    out = report(str(PAGE_CSV), "--lang", "zh", "--table", "localization")
    assert out.returncode == 0, out.stderr
    want = page[HEADINGS["localization"]]
    got = markdown_tables(out.stdout)[HEADINGS["localization"]]
    assert got[0] == want[0]
    assert len(got) == len(want) == 3
    for w, g in zip(want[1:], got[1:]):
        assert g == w, f"{g} != {w}"      # the model cell too: "BSN ([TEM + PEM + PGM](...))"


def test_english_headings_and_the_comparison_of_the_page_with_itself():
    out = report(str(PAGE_CSV), "--table", "recognition")
    assert out.returncode == 0, out.stderr
    tables = markdown_tables(out.stdout)
    header = tables["### Action recognizers"][0]
    assert header[:4] == ["Model", "Input", "IO backend", "Batch size x GPUs"]
    assert header[4:8] == ["MMAction2 (s/iter)", "GPU memory (GB)", "MMAction (s/iter)",
                           "GPU memory (GB)"]
    out = report(str(PAGE_CSV), "--format", "csv", "--compare", str(PAGE_CSV),
                 "--table", "recognition")
    assert out.returncode == 0, out.stderr
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    figures = [r for r in rows if r["column"] == "s_per_iter" and r["value"]]
    assert len(figures) == 23                      # the 23 published recognition s/iter figures
    assert {r["ratio"] for r in figures} == {"1.000"}
    assert {r["ranking_matches"] for r in figures} <= {"yes", ""}
    bold = {(r["model"], r["input"]) for r in figures if r["bold"] == "yes"}
    assert all(r["framework"] == "mmaction2" for r in figures if r["bold"] == "yes")
    assert len(bold) == 13                         # MMAction2 is the fastest of every row
