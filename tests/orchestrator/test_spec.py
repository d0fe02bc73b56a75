"""orchestrator.spec: the schema, errors that point at file:line, matrix/zip, repeats, names."""
import re
import textwrap

import pytest
from hypothesis import given, settings, strategies as st

from orchestrator.errors import UserError
from orchestrator.spec.expand import expand
from orchestrator.spec.load import load_spec, parse_spec
from orchestrator.spec.schema import SpecError

SHA = "a" * 40

BASE = textwrap.dedent("""\
    table: recognition
    variables:
      DATA_ROOT: {default: /data/k400, help: Kinetics folder}
    frameworks:
      mmaction2:
        repo: https://example.org/mmaction2.git
        commit: %s
        launcher: per_gpu_task
        log_globs: ["work_dirs/${JOB_NAME}/*.log"]
      pyslowfast:
        repo: /srv/mirrors/slowfast
        commit: %s
    cells:
      - model: TSN
        input: 256p rawframes
        io_backend: Memcached
        batch_per_gpu: 32
        gpus: 8
        entries:
          mmaction2:
            status: run
            command: [python, tools/train.py, "${DATA_ROOT}/list.txt", --work-dir, "work_dirs/${JOB_NAME}"]
            published: {s_per_iter: 0.32, mem_gb: 8.1}
          pyslowfast: {status: unsupported, reason: no TSN}
    """) % (SHA, "b" * 40)


def write(tmp_path, text, name="spec.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def line_of(text, needle):
    """1-based line of the first line containing needle (computed from the text itself)."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_valid_spec_loads_into_cells_and_entries(tmp_path):
    spec = load_spec(write(tmp_path, BASE))
    assert spec.table == "recognition"
    (cell,) = spec.cells
    assert (cell.model, cell.input, cell.io_backend, cell.batch_per_gpu, cell.gpus) == \
        ("TSN", "256p rawframes", "Memcached", 32, 8)
    assert list(cell.entries) == ["mmaction2", "pyslowfast"]
    assert cell.entries["mmaction2"].published == {"s_per_iter": 0.32, "mem_gb": 8.1}
    assert cell.entries["pyslowfast"].status == "unsupported"
    assert (cell.link, cell.link_text) == (None, None)


def test_a_cell_may_link_words_after_its_model_as_the_page_does(tmp_path):
    text = BASE.replace("    gpus: 8\n", "    gpus: 8\n    link: /configs/localization/bsn\n"
                                         "    link_text: TEM + PEM + PGM\n", 1)
    (cell,) = load_spec(write(tmp_path, text)).cells
    assert (cell.link, cell.link_text) == ("/configs/localization/bsn", "TEM + PEM + PGM")
    assert cell.entries["pyslowfast"].reason == "no TSN"


def test_expand_resolves_variables_and_builtins_and_skips_unsupported(tmp_path):
    spec = load_spec(write(tmp_path, BASE))
    (job,) = expand(spec)
    assert job.name == "recognition--tsn--256p-rawframes--mmaction2--r0"
    assert job.stages[0].name == ""
    assert job.stages[0].command == ("python", "tools/train.py", "/data/k400/list.txt",
                                     "--work-dir", "work_dirs/" + job.name)
    assert job.stages[0].log_globs == ("work_dirs/%s/*.log" % job.name,)
    assert (job.launcher, job.nodes, job.gpus_per_node, job.tasks_per_node) == \
        ("per_gpu_task", 1, 8, 8)
    assert job.commit == SHA and job.repo == "https://example.org/mmaction2.git"
    (job,) = expand(spec, variables={"DATA_ROOT": "/scratch/k", "OTHER": "x"})
    assert job.stages[0].command[2] == "/scratch/k/list.txt"


def test_a_variable_without_value_is_an_error_naming_how_to_set_it(tmp_path):
    text = BASE.replace("{default: /data/k400, help: Kinetics folder}", "{help: Kinetics folder}")
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as err:
        expand(load_spec(path))
    assert str(err.value).startswith(f"{path}:{line_of(text, 'DATA_ROOT:')}: variable DATA_ROOT")
    assert "--set DATA_ROOT=" in str(err.value)


def test_repeats_and_only(tmp_path):
    spec = load_spec(write(tmp_path, BASE))
    names = [j.name for j in expand(spec, repeats=3)]
    assert [n[-2:] for n in names] == ["r0", "r1", "r2"]
    assert [j.repeat for j in expand(spec, repeats=3)] == [0, 1, 2]
    assert [j.name for j in expand(spec, repeats=3, only="*mmaction2--r1")] == [names[1]]
    assert [j.name for j in expand(spec, repeats=3, only="R2, r0")] == [names[0], names[2]]
    assert expand(spec, only="pyslowfast") == []
    with pytest.raises(UserError):
        expand(spec, repeats=0)


@pytest.mark.parametrize("old,new,needle,words", [
    ("    io_backend: Memcached", "    io_backnd: Memcached", "io_backnd",
     ["unknown key 'io_backnd'", "valid keys: id, model, input, io_backend"]),
    ("status: run", "status: running", "status: running", ["run, unsupported, todo"]),
    ("commit: " + SHA, "commit: abc123", "commit: abc123", ["full 40-hex"]),
    ('"${DATA_ROOT}/list.txt"', '"${DATAROOT}/list.txt"', "DATAROOT",
     ["unknown variable ${DATAROOT}", "DATA_ROOT"]),
    ("launcher: per_gpu_task", "launcher: srun", "launcher: srun", ["per_gpu_task, per_node"]),
    ("table: recognition", "table: recognition\ntable: x", "table: x", ["duplicate key 'table'"]),
    ("published: {s_per_iter: 0.32, mem_gb: 8.1}", "published: {s_per_iter: fast}",
     "s_per_iter: fast", ["positive finite number"]),
    ("  pyslowfast:\n    repo", "  pyslofast:\n    repo", "pyslofast:", ["pyslowfast"]),
    ("    gpus: 8\n", "    gpus: 8\n    link: /configs/tsn\n    link_text: [a, b]\n", "link_text",
     ["`link_text` must be text"]),
])
def test_errors_name_file_line_and_valid_values(tmp_path, old, new, needle, words):
    assert old in BASE
    text = BASE.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}:{line_of(text, needle)}: "), msg
    for w in words:
        assert w in msg
    assert "\n" not in msg


def test_a_missing_column_entry_and_yaml_syntax_errors(tmp_path):
    old = "      pyslowfast: {status: unsupported, reason: no TSN}\n"
    assert old in BASE
    text = BASE.replace(old, "")
    with pytest.raises(SpecError, match="no entry for pyslowfast"):
        load_spec(write(tmp_path, text))
    text = BASE.replace("gpus: 8", "gpus: [8")
    with pytest.raises(SpecError, match=r"spec.yaml:\d+: invalid YAML"):
        load_spec(write(tmp_path, text))
    with pytest.raises(SpecError, match="no such spec file"):
        load_spec(tmp_path / "absent.yaml")


def test_matrix_and_zip_expand_into_cells_with_typed_values(tmp_path):
    text = BASE.replace("    input: 256p rawframes\n",
                        "    matrix:\n      batch_per_gpu: [8, 16]\n"
                        "    zip:\n      input: [256p videos, 256p dense-encoded video]\n"
                        "      fig: [1.5, 0.5]\n")
    text = text.replace("    batch_per_gpu: 32\n", "").replace("s_per_iter: 0.32", 's_per_iter: "${fig}"')
    spec = load_spec(write(tmp_path, text))
    got = [(c.input, c.batch_per_gpu, c.entries["mmaction2"].published["s_per_iter"])
           for c in spec.cells]
    assert got == [("256p videos", 8, 1.5), ("256p dense-encoded video", 8, 0.5),
                   ("256p videos", 16, 1.5), ("256p dense-encoded video", 16, 0.5)]
    names = [j.name for j in expand(spec)]
    assert len(set(names)) == 4
    assert "recognition--tsn--256p-videos--batch-per-gpu-16--mmaction2--r0" in names


def test_zip_lists_must_have_equal_length(tmp_path):
    text = BASE.replace("    input: 256p rawframes\n",
                        "    zip:\n      input: [a, b]\n      x: [1]\n")
    with pytest.raises(SpecError, match="same length"):
        load_spec(write(tmp_path, text))


def test_two_stages_with_per_stage_published_figures(tmp_path):
    old = ('        command: [python, tools/train.py, "${DATA_ROOT}/list.txt", --work-dir, '
           '"work_dirs/${JOB_NAME}"]\n        published: {s_per_iter: 0.32, mem_gb: 8.1}\n')
    assert old in BASE
    text = BASE.replace(old, (
        "        stages:\n"
        "          - {name: TEM, command: [python, tem.py, \"${STAGE}\"]}\n"
        "          - {name: PEM, command: [python, pem.py], log_globs: [pem/*.log]}\n"
        "        published: {TEM: {s_per_iter: 0.074}, PEM: {s_per_iter: 0.04}}\n"))
    spec = load_spec(write(tmp_path, text))
    (job,) = expand(spec)
    assert [(s.name, s.command) for s in job.stages] == [("TEM", ("python", "tem.py", "TEM")),
                                                         ("PEM", ("python", "pem.py"))]
    assert job.stages[1].log_globs == ("pem/*.log",)
    assert job.entry.published == {"TEM": {"s_per_iter": 0.074, "mem_gb": None},
                                   "PEM": {"s_per_iter": 0.04, "mem_gb": None}}


def test_a_demo_entry_may_pin_a_pip_package_instead_of_a_commit(tmp_path):
    text = BASE.replace("table: recognition", "table: demo").replace(
        "    repo: https://example.org/mmaction2.git\n    commit: %s\n" % SHA,
        "    package: mmaction2==1.2.0\n")
    (job,) = expand(load_spec(write(tmp_path, text)))
    assert job.source.package == "mmaction2==1.2.0" and job.commit is None
    bad = text.replace("mmaction2==1.2.0", "mmaction2>=1.2")
    with pytest.raises(SpecError, match="pin one version"):
        load_spec(write(tmp_path, bad))


def test_log_globs_cannot_leave_the_working_dir(tmp_path):
    text = BASE.replace('"work_dirs/${JOB_NAME}/*.log"', '"../../etc/*"')
    with pytest.raises(SpecError, match="inside the job's working directory"):
        load_spec(write(tmp_path, text))


labels = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x24f), min_size=1,
                 max_size=30).filter(lambda s: s.strip() and not set(s) & set("\"\\{}[],:#&*!|>'%@`"))


@settings(max_examples=60, deadline=None)
@given(model=labels, input_=labels)
def test_job_names_are_filesystem_safe_whatever_the_labels(tmp_path_factory, model, input_):
    text = BASE.replace("model: TSN", "model: '" + model.strip() + "'")
    text = text.replace("input: 256p rawframes", "input: '" + input_.strip() + "'")
    try:
        spec = parse_spec(text, "x.yaml")
    except SpecError:
        return      # a label YAML itself cannot hold is a spec error, never a bad name
    for job in expand(spec):
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", job.name), job.name
        assert "/" not in job.name and ".." not in job.name


def test_probe_and_cpu_compat_mode_are_settings_a_job_inherits(tmp_path):
    text = BASE.replace("    launcher: per_gpu_task\n",
                        "    launcher: per_gpu_task\n    compat_mode: cpu\n    probe: false\n")
    assert text != BASE
    (job,) = expand(load_spec(write(tmp_path, text)))
    assert (job.probe, job.compat_mode) == (False, "cpu")
    assert job.to_dict()["compat_mode"] == "cpu"
    (default_job,) = expand(load_spec(write(tmp_path, BASE, "plain.yaml")))
    assert (default_job.probe, default_job.compat_mode) == (True, None)


def test_an_unknown_compat_mode_names_the_line_and_the_valid_modes(tmp_path):
    text = BASE.replace("    launcher: per_gpu_task\n",
                        "    launcher: per_gpu_task\n    compat_mode: tpu\n")
    assert text != BASE
    with pytest.raises(SpecError) as err:
        load_spec(write(tmp_path, text))
    assert f"spec.yaml:{line_of(text, 'compat_mode')}:" in str(err.value)
    assert "cpu" in str(err.value)
