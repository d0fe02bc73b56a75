"""The command-line contract: output modes, exit codes, one-line errors, never a traceback."""
import csv
import gzip
import io
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
S = pathlib.Path(__file__).parent / "samples"


def run(*args):
    p = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def one_line_error(stderr, *words):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_json_lines_one_object_per_file():
    a, b = S / "tsm-log.csv", S / "pyslowfast-x3d-dt.out"
    rc, out, err = run("parsers", "--json", "--skip", "2", str(a), str(b))
    assert rc == 0, err
    objs = [json.loads(l) for l in out.splitlines()]
    assert [o["framework"] for o in objs] == ["tsm", "pyslowfast"]
    for key in ("file", "framework", "format", "n_runs", "n_train_records", "n_skipped_warmup", "n_used",
                "n_nonfinite", "mean_s_per_iter", "median_s_per_iter", "max_gpu_mem_gb", "time_field",
                "per_run", "warnings"):
        assert key in objs[0]


def test_human_summary_names_time_meaning():
    rc, out, _ = run("parsers.mmaction2", str(S / "mmaction2-1x-mmengine-real.log"))
    assert rc == 0
    assert "mmengine-text" in out and "window_size" in out and "mean 0." in out


def test_records_csv():
    rc, out, _ = run("parsers.tsm", "--records", str(S / "tsm-stdout-resumed.log"))
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["run", "epoch", "iter", "iters_per_epoch", "time_s", "data_time_s", "mem_gb",
                             "covers_iters", "line"]
    assert [(r["run"], r["epoch"], r["iter"], r["time_s"], r["line"]) for r in rows] == [
        ("1", "0", "1", "5.0", "4"), ("1", "0", "2", "0.3", "5"), ("1", "0", "3", "0.4", "6"),
        ("1", "1", "1", "0.6", "11"), ("2", "1", "1", "9.0", "14"), ("2", "1", "3", "0.25", "15")]


def test_usage_errors_exit_2():
    assert run("parsers")[0] == 2
    assert run("parsers.tsm", "--skip", "-1", "x")[0] == 2
    rc, _, err = run("parsers", "--bogus", "x")
    assert rc == 2 and "Traceback" not in err


@pytest.mark.parametrize("make,words", [
    (lambda d: d / "missing.log", ["missing.log", "no such file"]),
    (lambda d: d, ["is a directory"]),
    (lambda d: _write(d / "x.log.gz", gzip.compress(b"Epoch: [0][0/3]\tTime 1.0 (1.0)\n")), ["gzip", "gunzip"]),
    (lambda d: _write(d / "garbage.bin", bytes(range(256)) * 64), ["binary data"]),
    (lambda d: _write(d / "empty.log", b""), ["empty file"]),
    (lambda d: _write(d / "val.log.json", b'{"hook_msgs": {}}\n{"mode": "val", "epoch": 5, "iter": 5}\n'),
     ["no train iteration records"]),
    (lambda d: _write(d / "short.csv", b"Epoch: [0][0/3], lr: 0.1\tTime 1.000 (1.000)\tData 0.1 (0.1)\n"),
     ["1 train records, all within the first 50 iterations", "--skip 0"]),
])
def test_bad_input_one_line_exit_1(tmp_path, make, words):
    path = make(tmp_path)
    rc, out, err = run("parsers", str(path))
    assert rc == 1 and out == ""
    one_line_error(err, str(path), *words)


def test_other_frameworks_log_is_refused_with_the_right_module():
    rc, _, err = run("parsers.tsm", str(S / "pyslowfast-x3d-dt.out"))
    assert rc == 1
    one_line_error(err, "PySlowFast", "python -m parsers.pyslowfast")
    rc, _, err = run("parsers.mmaction", str(S / "mmaction2-0x-mmcv-text-glued-cr.log"))
    one_line_error(err, "MMAction2", "python -m parsers.mmaction2")


@pytest.mark.parametrize("fw,sample", [("bmn", "bmn-native-output.log"), ("bsn", "bsn-tem-native-output.log")])
def test_localization_native_output_points_to_probe(fw, sample):
    for module in (f"parsers.{fw}", "parsers"):
        rc, out, err = run(module, str(S / sample))
        assert rc == 1 and out == ""
        one_line_error(err, "no per-iteration timing", "python -m orchestrator probe", f"parsers.{fw}")


def test_bmn_reads_probe_directory():
    rc, out, err = run("parsers.bmn", "--json", "--skip", "2", str(S / "probe-two-ranks"))
    assert rc == 0, err
    s = json.loads(out)
    assert (s["framework"], s["n_runs"], s["mean_s_per_iter"]) == ("bmn", 2, 0.25)


def test_cut_last_line_is_parsed_up_to_the_cut_and_warned(tmp_path):
    text = (S / "mmaction-v1-mmcv0-text.log").read_bytes()
    cut = text[:-30]                      # the last record loses its end and its newline
    p = _write(tmp_path / "cut.log", cut)
    rc, out, err = run("parsers.mmaction", "--json", "--skip", "0", str(p))
    assert rc == 0, err
    s = json.loads(out)
    assert s["n_train_records"] == 3
    assert any("line 7 is cut" in w for w in s["warnings"])


def _write(path, data):
    path.write_bytes(data)
    return path
