"""orchestrator/results/layouts.py declares each table's layout once: the spec's valid tables, the
report's order, the columns, headings and titles of orchestrator.results.tables all come from it."""
import pytest

from orchestrator.results import layouts, report, results_csv, tables
from orchestrator.spec import schema
from orchestrator.results.layouts import LAYOUTS, TableLayout, layout_of
from orchestrator.results.results_csv import RESULT_COLUMNS


def test_the_five_tables_in_report_order_are_the_ones_a_spec_may_name():
    assert layouts.TABLES == ("recognition", "localization", "demo", "demo-localization", "demo-now")
    assert schema.TABLES is layouts.TABLES
    assert report.TABLE_ORDER is layouts.TABLES


def test_every_table_has_its_title_in_both_languages():
    for layout in LAYOUTS.values():
        assert set(layout.titles) == set(tables.TEXT), layout.name
    assert LAYOUTS["localization"].titles == {"en": "Temporal action localizers",
                                              "zh": "时序动作检测器"}


def test_the_page_s_layouts_and_the_demo_s():
    assert LAYOUTS["recognition"].labels == ("model", "input", "io_backend", "batch")
    assert LAYOUTS["recognition"].figures == ("s_per_iter", "mem_gb")
    assert LAYOUTS["localization"].labels == ("model",)
    assert LAYOUTS["localization"].model_heading == "Model"
    assert [name for name, lay in LAYOUTS.items() if lay.demo] == ["demo", "demo-localization",
                                                                    "demo-now"]
    assert [name for name, lay in LAYOUTS.items() if lay.extra_frameworks] == ["demo", "demo-now"]


def test_a_table_no_layout_declares_is_laid_out_as_a_demo_table_titled_by_its_name():
    foo = layout_of("foo")
    assert (foo.labels, foo.figures, foo.demo, foo.titles) == (
        LAYOUTS["demo"].labels, LAYOUTS["demo"].figures, True, {})
    bar = layout_of("bar-localization")
    assert (bar.labels, bar.figures, bar.model_heading) == (
        ("model",), ("s_per_iter", "probe_s_per_iter", "probe_rss_gb"), "Model")


def test_a_layout_starts_with_the_model_and_the_s_per_iter_columns():
    with pytest.raises(ValueError, match="must start with 'model'"):
        TableLayout("t", {}, labels=("input",), figures=("s_per_iter",))
    with pytest.raises(ValueError, match="must start with 's_per_iter'"):
        TableLayout("t", {}, labels=("model",), figures=("mem_gb",))


def _row(**values) -> dict:
    row = dict.fromkeys(RESULT_COLUMNS, "")
    row.update(values)
    return row


def test_adding_a_table_is_declaring_its_layout(monkeypatch):
    """A new table gets its columns, headings and titles from its layout alone."""
    speed = TableLayout("speed", {"en": "Speed", "zh": "速度"}, labels=("model", "batch"),
                        figures=("s_per_iter", "probe_s_per_iter"))
    monkeypatch.setitem(LAYOUTS, "speed", speed)
    rows = [(2, _row(table="speed", model="TSN", input="256p rawframes", io_backend="Disk",
                     batch_per_gpu="32", gpus="8", framework="mmaction2", repeat="0",
                     s_per_iter="0.320000", probe_s_per_iter="0.321000", status="COMPLETED")),
            (3, _row(table="speed", model="TSN", input="256p rawframes", io_backend="Disk",
                     batch_per_gpu="32", gpus="8", framework="tsm", repeat="0",
                     s_per_iter="0.410000", status="COMPLETED"))]
    results = results_csv.parse_results(rows, "speed.csv", ["mmaction2", "tsm"], ["TSN"],
                                        ["256p rawframes"], ["Disk"])
    table = tables.build_table("speed", results, lang="zh")
    assert table.title == "速度"
    assert table.header == ["模型", "批大小 x GPU 数量", "MMAction2 (s/iter)", "MMAction2 探针 (s/iter)",
                            "Temporal-Shift-Module (s/iter)", "Temporal-Shift-Module 探针 (s/iter)"]
    assert [c.text for c in table.rows[0].cells] == ["TSN", "32x8", "0.320", "0.321", "0.410", ""]
