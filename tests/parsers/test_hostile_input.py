"""Hostile input to the parsers (issues 15 and 16): no hang, a one-line error naming the file,
or the right figure with a counted warning; never a traceback.

- Long lines of repeated record headers without their time field took quadratic time in the
  mmcv, mmengine and TSM patterns (13, 39, 118 s for 100, 200, 400 KB): now linear, checked on
  400 KB lines in a subprocess with a generous timeout (the behaviour, not a speed target).
- A FIFO given as a log blocked forever in ``open``; a UTF-16 log was called "binary data".
- One malformed probe line (a non-numeric or huge ``i``, a compact line without ``i``, a string
  ``dt``, invalid JSON) raised ValueError/OverflowError/KeyError/JSONDecodeError out of
  ``parsers.probe``, and ``collect`` lost the whole sweep's CSV.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

import parsers
from parsers import core

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = pathlib.Path(__file__).resolve().parent / "samples"
LONG = 400_000


def run_parser(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def mmcv(k):
    return ("2020-07-12 07:22:08,047 - mmaction - INFO - Epoch [1][%d/400]\tlr: 1.000e-02, eta: 1 day, "
            "2:03:04, time: 0.%03d0, data_time: 0.010, memory: 2048, loss: 0.5" % (k, 300 + k))


def mmengine(k):
    return ("2026/11/26 23:22:59 - mmengine - INFO - Epoch(train)  [1][%3d/400]  lr: 1.0000e-02  eta: 0:01:47  "
            "time: 0.%03d0  data_time: 0.0061  memory: 2048  loss: 1.2" % (k, 300 + k))


def tsm(k):
    return "Epoch: [0][%d/400], lr: 0.01000\tTime 0.%03d0 (0.500)\tData 0.000 (0.000)\tLoss 1.0 (1.0)" % (
        k - 1, 300 + k)


# framework, record maker, a header of the format repeated without its time field
LONG_LINES = {
    "mmcv-text": ("mmaction2", mmcv, "Epoch [1][7/400]\t"),
    "mmengine-text": ("mmaction2", mmengine, "Epoch(train)  [1][  7/400]  "),
    "tsm-stdout": ("tsm", tsm, "Epoch: [0][7/400], lr: 0.01000\t"),
}


@pytest.mark.parametrize("where", ["after the warm-up", "first"])
@pytest.mark.parametrize("fmt", sorted(LONG_LINES))
def test_a_400_kb_line_of_time_less_headers_is_read_at_once(tmp_path, fmt, where):
    fw, make, header = LONG_LINES[fmt]
    long_line = header * (LONG // len(header))
    records = [make(k) for k in range(1, 81)]
    lines = records[:60] + [long_line] + records[60:] if where != "first" else [long_line] + records
    path = tmp_path / f"{fmt}.log"
    path.write_text("\n".join(lines) + "\n")
    proc = run_parser(f"parsers.{fw}", "--json", str(path), timeout=30)   # was minutes: quadratic
    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout)
    # the long line holds no record; the 80 around it are all read, 30 of them after the warm-up
    assert (s["n_train_records"], s["n_used"], s["n_runs"]) == (80, 30, 1)
    assert s["mean_s_per_iter"] == round(sum(0.3 + k / 1000 for k in range(51, 81)) / 30, 6)


def test_a_time_less_header_is_still_no_record_and_a_later_glued_record_counts(tmp_path):
    """The linear pattern reads what the old one read: a header with no time after it in its
    segment is no record, and a record glued later on the line (after a CR) is one."""
    path = tmp_path / "x.log"
    path.write_text("Epoch [1][1/400]\ttop1_acc: 0.5\n" + ("Epoch [1][2/400]\t" * 3) + "\r" + mmcv(3) + "\n")
    p = parsers.parse(path, skip=0)
    assert [(r.iter, r.time_s) for r in p.records] == [(3, 0.303)] and p.n_other == 0


def test_a_fifo_is_a_one_line_error_not_a_blocked_open(tmp_path):
    fifo = tmp_path / "train.log"
    os.mkfifo(fifo)
    for module in ("parsers", "parsers.mmaction2", "parsers.probe"):
        proc = run_parser(module, str(fifo), timeout=30)              # blocked forever before
        assert proc.returncode == 1 and proc.stdout == ""
        assert proc.stderr == f"error: {fifo}: a FIFO (named pipe), not a log file; copy the log to a file " \
                              "and give that\n"


def test_a_fifo_in_a_probe_folder_is_named(tmp_path):
    folder = tmp_path / "probe"
    folder.mkdir()
    (folder / "probe-h-1.jsonl").write_text((SAMPLES / "probe-two-ranks" / "probe-n1-11.jsonl").read_text())
    os.mkfifo(folder / "probe-h-2.jsonl")
    proc = run_parser("parsers.probe", str(folder), timeout=30)
    assert proc.returncode == 1 and proc.stderr.startswith(f"error: {folder / 'probe-h-2.jsonl'}: a FIFO")


@pytest.mark.parametrize("encoding, named", [("utf-16", "UTF-16LE (with byte-order mark)"),
                                             ("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE"),
                                             ("utf-32", "UTF-32LE (with byte-order mark)")])
def test_utf16_logs_are_named_as_such_not_binary_data(tmp_path, encoding, named):
    path = tmp_path / "20200812_103000.log"
    path.write_bytes((SAMPLES / "mmaction-v1-mmcv0-text.log").read_text().encode(encoding))
    with pytest.raises(core.LogError) as err:
        parsers.summarize(path)
    assert str(err.value) == (f"{path}: {named} text, not UTF-8 (the frameworks write UTF-8 logs); convert it "
                              f"first: iconv -f {named.split()[0]} -t UTF-8 {path} > {path}.utf8")


# ----------------------------------------------------------------------------- probe lines

def probe_lines(n, bad=None):
    """A probe file of ``n`` marks; ``bad``: {i: the line that stands for mark i}."""
    out = ['{"kind": "header", "probe_version": 1, "pid": 11, "host": "n1"}']
    for i in range(1, n + 1):
        dt = "null" if i == 1 else "0.%06d" % (500000 + i)
        line = ('{"kind": "iter", "i": %d, "t": 1790000000.%06d, "dt": %s, "mem_gb": null, "rss_gb": 0.5, '
                '"nvml_gb": null}' % (i, i, dt))
        out.append((bad or {}).get(i, line))
    out.append('{"kind": "footer", "t": 1790000100.0, "reason": "exit", "signal": null, "n_iter": %d}' % n)
    return "\n".join(out) + "\n"


MALFORMED = {
    "non-numeric i": ('{"kind": "iter", "i": "x7", "t": 1.0, "dt": 0.5, "mem_gb": null}',
                      "`i` is str 'x7', not a step count"),
    "huge i": ('{"kind": "iter", "i": 1e999, "t": 1.0, "dt": 0.5, "mem_gb": null}', "`i` is inf, not a whole step count"),
    "huge integer i": ('{"kind": "iter", "i": %d, "t": 1.0, "dt": 0.5, "mem_gb": null}' % 10 ** 30,
                       "`i` is %d, outside 1..999999999999999999" % 10 ** 30),
    "compact line without i": ('{"kind":"iter","t":1.0,"dt":0.5}', "iter record without `i`"),
    "string dt": ('{"kind": "iter", "i": 7, "t": 1.0, "dt": "0.5", "mem_gb": null}', "`dt` is str '0.5', not a number"),
    "invalid JSON": ('{"kind": "iter", "i": 7, "t": 1.0, "dt": 0.5x, "mem_gb": null',
                     "not a JSON object (JSONDecodeError: Expecting ',' delimiter: line 1 column 45 (char 44))"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_one_malformed_probe_line_is_a_counted_warning_and_the_rest_give_the_figure(tmp_path, case):
    line, why = MALFORMED[case]
    path = tmp_path / "probe-n1-11.jsonl"
    path.write_text(probe_lines(80, {70: line}))
    s = parsers.summarize(path, framework="probe")
    # marks 51..80 are kept, but for mark 70
    assert (s["n_train_records"], s["n_used"]) == (78, 29)
    assert s["mean_s_per_iter"] == round(sum(0.5 + i / 1e6 for i in range(51, 81) if i != 70) / 29, 6)
    assert s["warnings"] == [f"probe-n1-11.jsonl: line 71: malformed iter record ({why}): not counted"]


def test_many_malformed_probe_lines_are_named_up_to_ten_and_counted(tmp_path):
    path = tmp_path / "probe-n1-11.jsonl"
    path.write_text(probe_lines(100, {i: '{"kind": "iter", "i": 0}' for i in range(60, 90)}))
    s = parsers.summarize(path, framework="probe")
    assert s["n_used"] == 20 and len(s["warnings"]) == 11
    assert s["warnings"][-1] == ("probe-n1-11.jsonl: 30 malformed iter records in all, not counted "
                                 "(the first 10 are named above)")


def test_a_probe_line_the_fast_path_reads_is_read_the_same_without_it(tmp_path, monkeypatch):
    from parsers import fastpath
    path = tmp_path / "probe-n1-11.jsonl"
    path.write_text(probe_lines(3000, {2500: '{"kind": "iter", "i": 2500, "t": 1.0, "dt": "slow", "mem_gb": null}'}))
    monkeypatch.setattr(core, "CHUNK", 4096)
    got = []
    for enabled in (True, False):
        monkeypatch.setattr(fastpath, "ENABLED", enabled and fastpath._colscan is not None)
        got.append(parsers.summarize(path, framework="probe"))
    assert got[0] == got[1] and got[0]["n_used"] == 2949


def test_a_probe_footer_counting_more_marks_than_the_file_has_says_how_many_were_lost(tmp_path):
    path = tmp_path / "probe-n1-11.jsonl"
    text = probe_lines(80).replace('"n_iter": 80', '"n_iter": 95')
    path.write_text(text)
    s = parsers.summarize(path, framework="probe")
    assert s["warnings"] == ["probe-n1-11.jsonl: the footer counts 95 iterations but 80 iteration records "
                             "are in the file: 15 lost"]
