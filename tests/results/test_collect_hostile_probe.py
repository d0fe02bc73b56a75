"""`collect` over probe records a hostile or broken writer left (issues 15 and 16).

One malformed probe line used to raise out of ``parsers.probe`` (ValueError, OverflowError,
KeyError, JSONDecodeError) and ``collect`` ended in a traceback with no ``results.csv`` for the
whole sweep; a probe file without a footer (a killed process) passed without a word. Now each
job still has its row: the figure of the well-formed records, and labelled warnings.
"""
import csv
import json
import sys
from pathlib import Path

from orchestrator.results import collect

sys.path.insert(0, str(Path(__file__).parent))
import sweeps  # noqa: E402

BAD_LINES = ['{"kind": "iter", "i": "x7", "t": 1.0, "dt": 0.5, "mem_gb": null}',      # non-numeric i
             '{"kind": "iter", "i": 1e999, "t": 1.0, "dt": 0.5, "mem_gb": null}',     # huge i
             '{"kind":"iter","t":1.0,"dt":0.5}',                                      # compact, no i
             '{"kind": "iter", "i": 9, "t": 1.0, "dt": "0.5", "mem_gb": null}',       # string dt
             '{"kind": "iter", "i": 9, "t": 1.0, "dt": 0.5x, "mem_gb": null']         # invalid JSON


def test_malformed_and_cut_short_probe_records_still_give_every_job_its_row(tmp_path):
    s = sweeps.Sweep(tmp_path / "sweep")
    bad = s.job("recognition--i3d-heavy--256p-videos--pyslowfast--r0", **sweeps.I3D(framework="pyslowfast"))
    sweeps.pyslowfast_log(bad / "logs" / "main" / "stdout.log", sweeps.PYSF_R0)
    path = sweeps.probe_file(bad / "probe" / "main", sweeps.PROBE_DT)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:100] + BAD_LINES + lines[100:]) + "\n")

    killed = s.job("recognition--i3d-heavy--256p-videos--pyslowfast--r1",
                   **sweeps.I3D(framework="pyslowfast", repeat=1))
    sweeps.pyslowfast_log(killed / "logs" / "main" / "stdout.log", sweeps.PYSF_R0)
    path = sweeps.probe_file(killed / "probe" / "main", sweeps.PROBE_DT[:4], pid=77)   # 5 marks
    path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n")            # SIGKILL: no footer

    collect.collect(s.root)
    with open(s.root / "results.csv", newline="") as f:
        rows = {r["job"]: r for r in csv.DictReader(f)}
    r = rows[bad.name]
    assert float(r["probe_s_per_iter"]) == 0.42 and r["probe_n_used"] == "250"
    warned = [w for w in r["warnings"].split(" | ") if "malformed iter record" in w]
    assert len(warned) == 5 and all(w.startswith("probe: probe-node7-4242.jsonl: line ") for w in warned)

    r = rows[killed.name]
    assert r["s_per_iter"] == "0.440000" and r["probe_s_per_iter"] == ""
    assert "probe: " in r["warnings"] and "incomplete run: no footer" in r["warnings"]
    assert "after 5 iteration marks up to i=5 (4 timed records): the run was cut short" in r["warnings"]
    json.loads(json.dumps(rows))     # every cell is plain text
