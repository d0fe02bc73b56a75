"""`report` under hostile input (issues 15 and 16, report side): every value escaped in HTML
and Markdown, links only of the allowed schemes and relative where they are paths, published
rows never dressed as measured figures, and every bad CSV a one-line error naming the file and
row. Each test reproduces an attack that passed before its fix. The CSVs are written with
the CSV's own writer (orchestrator.results.results_csv); the spec attacks edit a copy of
jobs/recognition.yaml."""
import re
from pathlib import Path

import pytest

from orchestrator import cli
from orchestrator.results import report
from orchestrator.results.results_csv import EXTRA_COLUMNS, RESULT_COLUMNS, write_csv

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = RESULT_COLUMNS + EXTRA_COLUMNS
SCRIPT = "<script>alert(1)</script>"


def row(**kw):
    r = {c: "" for c in COLUMNS}
    r.update(table="recognition", model="TSN", input="256p rawframes", io_backend="Memcached",
             batch_per_gpu="32", gpus="8", framework="mmaction2", repeat="0",
             s_per_iter="0.320000", status="COMPLETED", stdev="0.010000", n_used="200",
             job="recognition--tsn--256p-rawframes--mmaction2--r0")
    r.update(kw)
    return r


def write(path: Path, *rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(path, list(rows))
    return path


def cli_report(capsys, *args):
    code = cli.main(["report", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def html_of(csv_path, *spec):
    rep = report.build_report(csv_path, spec_args=[str(s) for s in spec])
    return report.render(rep, "html", csv_path.parent, plots=False), rep


def md_of(csv_path, *spec, out_dir=None):
    rep = report.build_report(csv_path, spec_args=[str(s) for s in spec])
    return report.render(rep, "md", out_dir or csv_path.parent), rep


def hostile_spec(tmp_path: Path, link='"javascript:alert(1)"',
                 label='"MM|Action2 <script>x</script>"', published="0.32") -> Path:
    # (a newline in a label is refused by the spec loader: tests/orchestrator/test_hostile_spec.py)
    text = (ROOT / "jobs" / "recognition.yaml").read_text()
    text = text.replace("    link: /configs/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.py",
                        f"    link: {link}", 1)
    text = text.replace("    label: MMAction2\n", f"    label: {label}\n", 1)
    text = text.replace("s_per_iter: 0.32,", f"s_per_iter: {published},", 1)
    path = tmp_path / "recognition.yaml"
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- escaping


def test_every_csv_value_is_escaped_in_the_html_report(tmp_path):
    values = dict(input="256p rawframes", device=SCRIPT, stage="", node=SCRIPT,
                  gpu_name=SCRIPT, driver=SCRIPT, log_sha256=SCRIPT, reason=SCRIPT,
                  warnings=SCRIPT, commit=SCRIPT, job_id=SCRIPT, started=SCRIPT,
                  compat_mode=SCRIPT)
    path = write(tmp_path / "r.csv", row(**values), row(table=SCRIPT, model="TSN",
                                                        job=SCRIPT, stage=SCRIPT))
    page, _ = html_of(path)
    assert "<script>" not in page
    assert page.count("&lt;script&gt;") >= 10


def test_a_javascript_log_path_or_spec_link_is_never_a_link(tmp_path, capsys):
    spec = hostile_spec(tmp_path)
    path = write(tmp_path / "r.csv", row(log_path="javascript:alert(1)"),
                 row(framework="mmaction", s_per_iter="0.5", log_path="java\tscript:alert(2)",
                     job="b"))
    page, rep = html_of(path, spec)
    text, _ = md_of(path, spec)
    for out in (page, text):
        assert not re.search(r'href="[^"]*script:', out)      # shown as text at most
        assert not re.search(r"\]\([^)]*script:", out)
    assert "<td>javascript:alert(1)</td>" in page              # the provenance, as text
    assert any("link 'javascript:alert(1)' not written as a link: only http, https and "
               "relative paths are" in w for w in rep.warnings)
    code, _, err = cli_report(capsys, path, "--spec", spec)
    assert code == 0 and "warning:" in err and "not written as a link" in err


def test_markdown_cells_with_pipes_newlines_and_html_keep_the_table_whole(tmp_path):
    spec = hostile_spec(tmp_path, link="/configs/x.py")
    path = write(tmp_path / "r.csv", row(), row(framework="mmaction", s_per_iter="0.5", job="b"))
    text, _ = md_of(path, spec)
    lines = [l for l in text.splitlines() if l.startswith("|")]
    widths = {len(re.findall(r"(?<!\\)\|", l)) for l in lines}
    assert len(widths) == 1                      # header, alignment and every row: same cells
    header = lines[0]
    assert "MM\\|Action2 &lt;script>x&lt;/script> (s/iter)" in header   # one line, no tag
    assert "<script>" not in text
    custom = write(tmp_path / "c.csv", row(table="custom", input="a | b\nc " + SCRIPT))
    ctext, _ = md_of(custom)
    cells = [l for l in ctext.splitlines() if l.startswith("| TSN")]
    assert len(cells) == 1 and "a \\| b c &lt;script>" in cells[0]


def test_log_links_are_relative_and_render_with_spaces(tmp_path):
    base = tmp_path / "my results"
    log = base / "jobs" / "a job" / "logs" / "main" / "x.log.json"
    log.parent.mkdir(parents=True)
    log.write_text("{}\n")
    path = write(base / "results.csv", row(log_path="jobs/a job/logs/main/x.log.json"),
                 row(framework="mmaction", s_per_iter="0.5", job="b", log_path=str(log)))
    text, _ = md_of(path, out_dir=base)
    links = re.findall(r"\]\(([^)]*x\.log\.json)\)", text)
    assert links == ["jobs/a%20job/logs/main/x.log.json"] * 2     # absolute path made relative
    page, _ = html_of(path)
    assert 'href="jobs/a%20job/logs/main/x.log.json"' in page and str(tmp_path) not in \
        re.sub(r"<code>[^<]*</code>", "", page)


# --------------------------------------------------------------------------- what a cell says


def test_a_published_row_is_never_bold_or_linked_like_a_measured_figure(tmp_path):
    path = write(tmp_path / "r.csv",
                 row(framework="mmaction", s_per_iter="0.100000", status="PUBLISHED",
                     stdev="", n_used="", log_path="https://example.org/page.zip", job=""),
                 row(log_path="jobs/x/log.json"))
    text, _ = md_of(path)
    tsn = [l for l in text.splitlines() if l.startswith("| [TSN]")][0]
    cells = [c.strip() for c in tsn.strip("|").split("|")]
    assert cells[4] == "[0.320](jobs/x/log.json)"     # the one measured figure, alone: plain
    assert cells[6] == "0.100§"                       # the page's, faster, but not bold
    assert "§ a published figure (status PUBLISHED), not measured" in text


@pytest.mark.parametrize("status", ["ok", "Done", SCRIPT])
def test_an_unknown_status_is_an_error_not_a_label(tmp_path, capsys, status):
    path = write(tmp_path / "r.csv", row(status=status))
    code, out, err = cli_report(capsys, path)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {path}: row 2: unknown status ")


def test_a_table_named_for_another_tables_spec_is_an_error(tmp_path, capsys):
    path = write(tmp_path / "r.csv", row(table="recognitoin", spec="jobs/recognition.yaml"))
    code, _, err = cli_report(capsys, path)
    assert code == 1 and err.count("\n") == 1
    assert "row 2: table 'recognitoin', but its spec jobs/recognition.yaml is the spec of " \
           "table 'recognition'" in err


def test_table_nosuch_and_a_header_only_csv_are_errors(tmp_path, capsys):
    path = write(tmp_path / "r.csv", row())
    code, out, err = cli_report(capsys, path, "--table", "nosuch")
    assert (code, out) == (1, "") and err == (f"error: {path}: no table 'nosuch' in this CSV "
                                              f"(it has: recognition)\n")
    empty = write(tmp_path / "h.csv")
    code, out, err = cli_report(capsys, empty)
    assert (code, out) == (1, "") and err.startswith(f"error: {empty}: row 2: no rows, only "
                                                     f"the header")


def test_a_published_zero_is_a_spec_error_not_a_traceback(tmp_path, capsys):
    """A published s/iter of 0 (a ZeroDivisionError in the ratio once) is refused where it is
    written, at its line of the spec; the report says so in one line and exits non-zero."""
    spec = hostile_spec(tmp_path, link="/configs/x.py", label="MMAction2", published="0")
    path = write(tmp_path / "r.csv", row())
    code, out, err = cli_report(capsys, path, "--spec", spec, "--format", "csv")
    assert code != 0 and "Traceback" not in err and err.count("\n") == 1
    assert "recognition.yaml:" in err and "published.s_per_iter must be a positive finite number" in err


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("column,value,message", [
    ("mem_gb", "-1", "mem_gb '-1' is negative"),
    ("stdev", "-0.01", "stdev '-0.01' is negative"),
    ("median", "-0.3", "median '-0.3' is negative"),
    ("probe_s_per_iter", "-0.3", "probe_s_per_iter '-0.3' is negative"),
    ("repeat", "-1", "repeat '-1' is negative"),
    ("mem_gb", "inf", "mem_gb 'inf' is not a finite number"),
    ("ci95_low", "nan", "ci95_low 'nan' is not a finite number"),
    ("sample_mean", "-1e-9", "sample_mean '-1e-9' is negative"),
    ("sample_n", "many", "sample_n 'many' is not a whole number"),
    ("s_per_iter", "0", "s_per_iter '0' is not positive"),
])
def test_every_numeric_field_is_validated_on_reading(tmp_path, capsys, column, value, message):
    path = write(tmp_path / "r.csv", row(), row(**{column: value, "framework": "mmaction"}))
    code, out, err = cli_report(capsys, path)
    assert (code, out) == (1, "") and err == f"error: {path}: row 3: {message}\n"


def test_two_rows_of_one_job_repeat_and_stage_are_never_averaged(tmp_path, capsys):
    path = write(tmp_path / "r.csv", row(s_per_iter="0.816600"), row(s_per_iter="9.000000"))
    code, out, err = cli_report(capsys, path)
    assert (code, out) == (1, "")
    assert err == (f"error: {path}: row 3: recognition--tsn--256p-rawframes--mmaction2--r0, "
                   f"repeat 0 is already row 2 (s_per_iter 0.816600 there, 9.000000 here): one "
                   f"row per job, repeat and stage; repeats need their own repeat number "
                   f"(--repeats N)\n")


def test_an_exact_duplicate_row_is_counted_once_and_reported(tmp_path, capsys):
    path = write(tmp_path / "r.csv", row(), row(), row(framework="mmaction", s_per_iter="0.5",
                                                       job="b"))
    code, out, err = cli_report(capsys, path)
    assert code == 0
    assert f"warning: {path}: row 3 repeats row 2 exactly " \
           f"(recognition--tsn--256p-rawframes--mmaction2--r0, repeat 0): counted once" in err
    tsn = [l for l in out.splitlines() if l.startswith("| [TSN]")][0]
    assert "0.320" in tsn and "0.5" in tsn


def test_an_output_folder_that_cannot_be_written_is_one_line(tmp_path, capsys):
    path = write(tmp_path / "r.csv", row())
    code, out, err = cli_report(capsys, path, "-o", "/proc/x")
    assert (code, out) == (1, "") and err.count("\n") == 1
    assert err.startswith("error: /proc/x/results.md: cannot be written")
