"""``python -m orchestrator probe``: exit statuses and user errors; ``probe_env``."""
import os
import subprocess
import sys

from orchestrator.probe import INJECT_DIR, probe_env

ROOT = INJECT_DIR.parents[2]


def probe_cli(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "orchestrator", "probe", *args], env=env,
                          cwd=cwd or ROOT, capture_output=True, text=True)


def test_exits_with_the_commands_status_and_writes_records(tmp_path):
    out = tmp_path / "deep" / "probe"
    proc = probe_cli("--out", str(out), "--", sys.executable, "-c", "import sys; print('hi'); sys.exit(7)")
    assert (proc.returncode, proc.stdout, proc.stderr) == (7, "hi\n", "")
    assert len(list(out.glob("probe-*-*.jsonl"))) == 1


def test_user_errors_are_one_line():
    proc = probe_cli("--out", "x")
    assert proc.returncode == 2 and proc.stderr.startswith("error: probe: no command given")
    proc = probe_cli("--out", "x", "--", "no-such-command-vidbench")
    assert (proc.returncode, proc.stderr) == (127, "error: probe: command not found: no-such-command-vidbench\n")


def test_out_must_be_a_folder(tmp_path):
    (tmp_path / "f").write_text("")
    proc = probe_cli("--out", str(tmp_path / "f"), "--", "true")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"error: probe: --out {tmp_path / 'f'}: exists and is not a folder; give a folder for the records"]


def test_probe_env_puts_the_probe_first_and_keeps_the_rest():
    env = probe_env("rel/dir", {"PYTHONPATH": "/a:/b", "HOME": "/h"})
    assert env["PYTHONPATH"] == f"{INJECT_DIR}{os.pathsep}/a:/b"
    assert env["VIDBENCH_PROBE_DIR"] == os.path.abspath("rel/dir")
    assert env["HOME"] == "/h" and "VIDBENCH_CPU_COMPAT" not in env
    assert probe_env("d", {}, cpu_compat=True)["VIDBENCH_CPU_COMPAT"] == "1"
    assert probe_env("d", env)["PYTHONPATH"] == env["PYTHONPATH"]      # not added twice
