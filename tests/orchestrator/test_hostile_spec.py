"""Hostile specs (issues 15 and 16): every attack below once ran code, wrote outside the job,
hung the loader or was silently accepted; each now gives a one-line error naming file:line, or
is rendered harmless. Pure: spec loading, expansion and script rendering, plus bash running the
rendered script for real."""
import dataclasses
import subprocess
import textwrap
from pathlib import Path

import pytest

from orchestrator.spec import guards
from orchestrator.job import jobplan
from orchestrator.errors import UserError
from orchestrator.job.jobrun import stdout_escape
from orchestrator.spec.expand import expand
from orchestrator.spec.load import load_spec, parse_spec
from orchestrator.spec.schema import SpecError

SHA = "a" * 40
SPEC = textwrap.dedent("""\
    table: recognition
    variables:
      OUT: {default: logs}
    frameworks:
      mmaction2:
        repo: https://example.org/mmaction2.git
        commit: %s
        log_globs: ["work_dirs/*.log"]
    cells:
      - model: TSN
        input: 256p rawframes
        io_backend: Disk
        batch_per_gpu: 32
        gpus: 8
        entries:
          mmaction2:
            status: run
            command: [python, tools/train.py]
            published: {s_per_iter: 0.32, mem_gb: 8.1}
    """) % SHA


def write(tmp_path, text, name="spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def line_of(text, needle) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def refused(tmp_path, text, *words, line_needle=None):
    """The spec is refused with one line starting ``file:line:`` and holding ``words``."""
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as err:
        expand(load_spec(path))
    msg = str(err.value)
    assert "\n" not in msg, msg
    if line_needle is not None:
        assert msg.startswith(f"{path}:{line_of(text, line_needle)}: "), msg
    for w in words:
        assert w in msg, msg
    return msg


# --------------------------------------------------------------------------- script text


def test_a_newline_in_repo_is_refused_at_its_line(tmp_path):
    text = SPEC.replace("repo: https://example.org/mmaction2.git",
                        'repo: "https://example.org/x.git\\ntouch PWNED"')
    refused(tmp_path, text, "`repo` holds a newline", line_needle="repo:")


def test_a_comment_in_command_sh_cannot_be_ended_by_any_value(tmp_path):
    """Even a repo the spec loader never saw (a Job built in code) stays inside its comment:
    bash runs the rendered script for real and the injected line does not run."""
    job = expand(parse_spec(SPEC, "spec.yaml"))[0]
    pwned = tmp_path / "PWNED"
    src = dataclasses.replace(job.source, repo=f"x\ntouch {pwned}\r\n#")
    job = dataclasses.replace(job, source=src)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    ctx = jobplan.PlanContext(executor="local", vidbench_root=tmp_path, job_dir=tmp_path / "job",
                              checkout=checkout)
    script = jobplan.render_command_sh(job, ctx)
    assert f"# framework mmaction2 from x\\ntouch {pwned}\\r\\n# @ {SHA}" in script
    (tmp_path / "command.sh").write_text(script)
    r = subprocess.run(["bash", str(tmp_path / "command.sh"), "no-such-stage"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 2 and "unknown stage" in r.stderr, r.stderr
    assert not pwned.exists()


def test_comment_text_escapes_every_line_break():
    for ch in "\n\r\x0b\x0c\x85\u2028\u2029\x00\x1b":
        assert "\n" not in guards.comment_text(f"a{ch}b") and \
            guards.control_problem(guards.comment_text(f"a{ch}b")) is None


@pytest.mark.parametrize("key, value", [("label", "[MMAction2, v2]"),
                                        ("label", '"two\\nlines"'),
                                        ("bundle", '"x.bundle\\n"')])
def test_labels_must_be_one_line_of_text_and_bundles_plain(tmp_path, key, value):
    text = SPEC.replace("    log_globs:", f"    {key}: {value}\n    log_globs:")
    refused(tmp_path, text, f"`{key}`", line_needle=f"{key}:")


def test_an_env_name_that_is_not_a_name_is_a_spec_error_not_a_traceback(tmp_path):
    text = SPEC.replace("    log_globs:", '    env: {"A B": x}\n    log_globs:')
    refused(tmp_path, text, "'A B' is not an environment variable name", line_needle="A B")


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize("setting, value", [
    ("stdout", "${OUT}/train.log"),
    ("log_globs", '["${OUT}/*.json"]'),
    ("outputs", '["${OUT}"]'),
    ("workdir", "${OUT}"),
])
@pytest.mark.parametrize("bad", ["../../../x", "/etc", "a/../../b"])
def test_paths_are_confined_after_substitution(tmp_path, setting, value, bad):
    """A variable's value (--set, the environment) like ../../x once wrote outside the job."""
    text = SPEC.replace("        command: [python, tools/train.py]",
                        f"        command: [python, tools/train.py]\n"
                        f"        {setting}: {value}")
    spec = load_spec(write(tmp_path, text))
    assert expand(spec, variables={"OUT": "fine/dir"})    # a plain value is accepted
    with pytest.raises(SpecError) as err:
        expand(spec, variables={"OUT": bad})
    msg = str(err.value)
    assert f"{setting} resolves to " in msg and bad in msg and msg.startswith(f"{spec.path}:17: ")


@pytest.mark.parametrize("value", ["/abs/dir", "../up", "a/../../b"])
def test_a_literal_workdir_outside_the_checkout_is_refused_at_its_line(tmp_path, value):
    text = SPEC.replace("    log_globs:", f"    workdir: {value}\n    log_globs:")
    refused(tmp_path, text, "workdir", line_needle="workdir:")


def test_the_page_stdout_file_is_not_written_through_a_link_out_of_the_working_dir(tmp_path):
    cwd, outside = tmp_path / "work", tmp_path / "outside"
    cwd.mkdir()
    outside.mkdir()
    (cwd / "logs").symlink_to(outside, target_is_directory=True)
    assert stdout_escape(cwd, "ok/train.log") is None
    assert "symbolic link" in stdout_escape(cwd, "logs/train.log")
    assert "'..'" in stdout_escape(cwd, "../x.log")


# --------------------------------------------------------------------------- YAML bounds


BOMB = textwrap.dedent("""\
    x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    x-g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    x-h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    x-i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    """)


def test_an_alias_bomb_is_refused_with_its_line(tmp_path):
    text = BOMB + SPEC.replace("        status: run", "        status: run\n"
                                                      "        notes: *i")
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert "alias bomb" in str(err.value) and str(err.value).startswith(f"{path}:")


def test_deep_nesting_and_recursive_aliases_are_refused(tmp_path):
    with pytest.raises(SpecError, match=r"spec.yaml:1: .*nested more than 64"):
        load_spec(write(tmp_path, "table: " + "[" * 5000 + "]" * 5000 + "\n"))
    with pytest.raises(SpecError, match=r"spec.yaml:1: .*recursive YAML alias"):
        load_spec(write(tmp_path, "x-a: &a [1, *a]\n" + SPEC))


def test_the_real_specs_are_far_inside_the_bounds():
    root = Path(__file__).resolve().parents[2]
    for name in ("recognition", "localization", "demo"):
        assert load_spec(root / "jobs" / f"{name}.yaml").table == name


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("published, word", [
    ("{s_per_iter: .nan}", "not finite"), ("{s_per_iter: 0.3, mem_gb: .inf}", "not finite"),
    ("{s_per_iter: -0.3}", "more than 0"), ("{s_per_iter: 0}", "more than 0"),
    ("{s_per_iter: 0.3, mem_gb: -1}", "more than 0"),
])
def test_published_figures_must_be_positive_and_finite(tmp_path, published, word):
    text = SPEC.replace("published: {s_per_iter: 0.32, mem_gb: 8.1}", f"published: {published}")
    refused(tmp_path, text, "positive finite number", word, line_needle="published:")


@pytest.mark.parametrize("old, new, needle", [
    ("gpus: 8", "gpus: 100000000000000000000", "gpus:"),
    ("batch_per_gpu: 32", "batch_per_gpu: 99999999", "batch_per_gpu:"),
    ("    log_globs:", "    time_limit: 99999999999999999999\n    log_globs:", "time_limit:"),
    ("    log_globs:", "    time_limit: '9999-00:00'\n    log_globs:", "time_limit:"),
    ("    log_globs:", "    resources: {gpus_per_node: 100000}\n    log_globs:", "resources:"),
    ("    log_globs:", "    iterations: {measured: 10000000000000}\n    log_globs:",
     "iterations:"),
])
def test_numbers_beyond_any_cluster_are_refused(tmp_path, old, new, needle):
    refused(tmp_path, SPEC.replace(old, new), "at most", line_needle=needle)


def test_repeats_and_only_are_bounded_and_never_empty():
    spec = parse_spec(SPEC, "spec.yaml")
    assert len(expand(spec, repeats=guards.MAX_REPEATS)) == guards.MAX_REPEATS
    with pytest.raises(UserError, match="at most 100"):
        expand(spec, repeats=99999999999999999999)
    for only in ("", ",", " , ", [], [""]):
        with pytest.raises(UserError, match="gives no pattern"):
            expand(spec, only=only)


# --------------------------------------------------------------------------- probe escapes


@pytest.mark.parametrize("command, env, expect", [
    (["python", "train.py"], {}, []),
    (["python3.8", "-u", "train.py", "-I"], {}, []),          # -I of the script, not python's
    (["python", "-I", "train.py"], {}, ["python -I (isolated mode)"]),
    (["/usr/bin/python3", "-uS", "x.py"], {}, ["python -S (no site module)"]),
    (["python2.7", "-E", "-c", "pass"], {}, ["python -E (PYTHONPATH ignored)"]),
    (["python", "-c", "import x", "-I"], {}, []),
    (["env", "PYTHONPATH=/opt/lib", "python", "x.py"], {}, ["the command sets PYTHONPATH itself"]),
    (["bash", "run.sh"], {"PYTHONPATH": "/opt/lib"}, ["its env: sets PYTHONPATH"]),
    # command.sh quotes env values: "$PYTHONPATH" stays literal text, the probe's path is gone
    (["python", "x.py"], {"PYTHONPATH": "/opt/lib:$PYTHONPATH"}, ["its env: sets PYTHONPATH"]),
])
def test_commands_that_escape_the_probe_are_recognised(command, env, expect):
    assert guards.probe_escapes(command, env) == expect
