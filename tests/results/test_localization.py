"""The localization table from a real sweep folder: BSN's two stages (TEM, PEM) become one
`TEM + PEM` cell, MMAction2's from its mmcv logs, BSN's own from the timing probe (its code
prints no time per iteration); the fastest sum is bold."""
import statistics
from pathlib import Path

import pytest

from orchestrator.results import collect
from orchestrator.results import report

import sweeps

ROOT = Path(__file__).resolve().parents[2]
CELL = dict(table="localization", model="BSN", input="ActivityNet 400x100 features",
            io_backend="Disk", batch=16, gpus=1, stages=("TEM", "PEM"))
TEM_MMCV = [0.2, 0.2] + [0.07, 0.08] * 6 + [0.07]       # records at 20..300
PEM_MMCV = [0.2, 0.2] + [0.04] * 13
TEM_PROBE = [0.3] * 49 + [0.10, 0.102] * 100              # dt of marks 2..250
PEM_PROBE = [0.3] * 49 + [0.04] * 200
MM2 = "localization--bsn--activitynet-400x100-features--mmaction2--r0"   # the spec's job names
BSN = "localization--bsn--activitynet-400x100-features--bsn--r0"


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory):
    s = sweeps.Sweep(tmp_path_factory.mktemp("loc"), specs=("jobs/localization.yaml",))
    d = s.job(MM2, framework="mmaction2", **CELL)
    sweeps.mmcv_json_log(d / "logs" / "TEM" / "tem.log.json", TEM_MMCV, memory_mib=2048)
    sweeps.mmcv_json_log(d / "logs" / "PEM" / "pem.log.json", PEM_MMCV, memory_mib=1024)
    d = s.job(BSN, framework="bsn", **CELL)
    (d / "logs" / "TEM").mkdir(parents=True)
    (d / "logs" / "TEM" / "stdout.log").write_text("Epoch 0 tem loss 1.2\n")
    sweeps.probe_file(d / "probe" / "TEM", TEM_PROBE, mem_gb=3.5)
    sweeps.probe_file(d / "probe" / "PEM", PEM_PROBE, mem_gb=1.5)
    collect.collect(s.root)
    return s.root / "results.csv"


def test_one_row_per_stage_with_the_probe_as_bsns_own_figure(csv_path):
    import csv
    rows = {(r["job"], r["stage"]): r for r in csv.DictReader(open(csv_path))}
    assert set(rows) == {(MM2, "TEM"), (MM2, "PEM"), (BSN, "TEM"), (BSN, "PEM")}
    tem = rows[(BSN, "TEM")]
    assert float(tem["s_per_iter"]) == pytest.approx(statistics.fmean(TEM_PROBE[49:]), abs=1e-6)
    assert tem["log_path"].endswith("probe/TEM") and tem["status"] == "COMPLETED"
    m2 = rows[(MM2, "PEM")]
    assert float(m2["s_per_iter"]) == pytest.approx(0.04) and float(m2["mem_gb"]) == 1.0


def test_tem_plus_pem_cell_in_the_pages_layout(csv_path):
    text = report.render(report.build_report(csv_path, lang="zh"), "md", csv_path.parent)
    line = [l for l in text.splitlines() if l.startswith("| BSN ([TEM + PEM + PGM](")][0]
    cells = [c.strip() for c in line.strip("|").split("|")]
    m2_tem = statistics.fmean(TEM_MMCV[2:])
    bsn_tem = statistics.fmean(TEM_PROBE[49:])
    # 3 significant digits (0.074615 -> 0.0746, 0.040000 -> 0.0400); bold: the sum 0.1146
    # against BSN's own 0.141 is beyond noise (Welch's test of the sums of the stage means);
    # not flagged: 13 window means of one run are not 13 runs (no precision rule within a run)
    assert cells[1] == (f"**[{m2_tem:.3g}](jobs/{MM2}/logs/TEM/tem.log.json)(TEM)+"
                        f"[0.0400](jobs/{MM2}/logs/PEM/pem.log.json)(PEM)**")
    assert cells[2] == (f"[{bsn_tem:.3g}](jobs/{BSN}/probe/TEM)(TEM)+"
                        f"[0.0400](jobs/{BSN}/probe/PEM)(PEM)")
    assert cells[3] == "x"
    bmn = [l for l in text.splitlines() if l.startswith("| BMN ([bmn_400x100")][0]
    assert [c.strip() for c in bmn.strip("|").split("|")][1:] == ["TODO", "x", "TODO"]
