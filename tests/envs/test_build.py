"""Building environments (orchestrator/envs/build.py) for real: tiny recipes with no downloads
(``run:`` steps only, so no pip either), built with this interpreter into a temporary
environments folder; one built pair (a layer and an env on it) serves several tests."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.envs.build import EnvStore
from orchestrator.errors import UserError

PY = "%d.%d" % sys.version_info[:2]

# A layer that "installs" a module by writing it into its own site-packages (what pip would do),
# and an environment on top that writes its own; the step sees $VIDBENCH_ENV_PREFIX.
LAYER_STEP = """\
set -e
lib=$(python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
echo "WHERE = '$VIDBENCH_ENV_PREFIX'" > "$lib/layer_mod.py"
echo "$VIDBENCH_ENV_PREFIX/share/made-here" > "$VIDBENCH_ENV_PREFIX/prefix.txt"
"""
TOP_STEP = """\
set -e
lib=$(python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
echo "import layer_mod" > "$lib/top_mod.py"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("envs") / "project"
    (root / "envs" / "recipes").mkdir(parents=True)
    (root / "envs" / "build").mkdir()
    (root / "envs" / "build" / "layer.sh").write_text(LAYER_STEP)
    (root / "envs" / "build" / "top.sh").write_text(TOP_STEP)
    (root / "envs" / "build" / "fail.sh").write_text("echo 'compiling the thing'\necho 'error: no compiler' >&2\nexit 3\n")
    recipes = {
        "base": f'name: base\npython: "{PY}"\nsteps:\n  - run: envs/build/layer.sh\n',
        "top": f'name: top\npython: "{PY}"\nlayers: [base]\nsteps:\n  - run: envs/build/top.sh\n',
        "broken": f'name: broken\npython: "{PY}"\nsteps:\n  - run: envs/build/fail.sh\n',
        "side": f'name: side\npython: "{PY}"\nlayers: [base]\nsteps:\n  - run: envs/build/top.sh\n',
    }
    for name, text in recipes.items():
        (root / "envs" / "recipes" / f"{name}.yaml").write_text(text)
    return root


def store_for(project, tmp_path):
    environ = dict(os.environ, **{"VIDBENCH_PYTHON_" + PY.replace(".", "_"): sys.executable})
    return EnvStore(root=tmp_path / "envs", recipes_dir=project / "envs" / "recipes",
                    project_root=project, environ=environ)


@pytest.fixture(scope="module")
def built(project):
    """``top`` (on its layer ``base``) built once; (store, progress lines, its path)."""
    store = store_for(project, project.parent)
    lines = []
    path = store.build("top", progress=lines.append)
    return store, lines, path


def test_an_environment_sees_its_layer_and_lives_at_its_hash(built):
    store, lines, path = built
    tmp_path = store.root.parent
    assert path == tmp_path / "envs" / f"top-{store.hash_of('top')}"
    assert (tmp_path / "envs" / f"base-{store.hash_of('base')}").is_dir()   # the layer first
    assert any("step 2/2: run envs/build/top.sh" in ln for ln in lines)
    out = subprocess.run([str(path / "bin" / "python"), "-c",
                          "import top_mod, layer_mod; print(layer_mod.WHERE)"],
                         capture_output=True, text=True, check=True)
    # built in a temporary sibling, then every path in it moved to the final name
    assert out.stdout.strip() == str(store.path_of("base"))
    base = store.path_of("base")
    assert (base / "prefix.txt").read_text().strip() == f"{base}/share/made-here"
    assert f'VIRTUAL_ENV="{path}"' in (path / "bin" / "activate").read_text() or \
        f"VIRTUAL_ENV='{path}'" in (path / "bin" / "activate").read_text()
    assert not [p for p in (tmp_path / "envs").iterdir() if p.name.startswith(".") and p.is_dir()]
    info = json.loads((path / "vidbench-env.json").read_text())
    assert info["recipe"] == "top" and info["hash"] == store.hash_of("top")
    assert info["python"].startswith(PY + ".") and Path(info["interpreter"]).is_file()
    assert info["layers"] == [str(base)] and info["size_bytes"] > 0
    assert info["pip_freeze"] == []        # no pip step: no pip in it
    assert (path / "build.log").is_file()


def test_a_built_environment_is_reused_and_a_changed_script_makes_a_new_one(built, project):
    store, _, top = built
    first = store.path_of("base")
    stamp = json.loads((first / "vidbench-env.json").read_text())["built"]
    lines = []
    again = store_for(project, project.parent)
    assert again.build("top", progress=lines.append) == top
    assert lines == [] and json.loads((first / "vidbench-env.json").read_text())["built"] == stamp
    script = project / "envs" / "build" / "layer.sh"
    script.write_text(LAYER_STEP + "true\n")
    try:
        changed = store_for(project, project.parent)
        assert changed.path_of("base") != first and changed.path_of("top") != top
        assert changed.info("base") is None
    finally:
        script.write_text(LAYER_STEP)


def test_a_failed_step_leaves_no_environment_and_keeps_its_log(project, tmp_path):
    store = store_for(project, tmp_path)
    with pytest.raises(UserError) as err:
        store.build("broken", progress=lambda _: None)
    message = str(err.value)
    assert "environment broken" in message and "step 1 (run envs/build/fail.sh) failed (exit 3)" in message
    assert "error: no compiler" in message and "\n" not in message
    assert store.info("broken") is None and not store.path_of("broken").exists()
    log = tmp_path / "envs" / f"broken-{store.hash_of('broken')}.failed.log"
    assert "compiling the thing" in log.read_text()
    assert not [p for p in (tmp_path / "envs").iterdir() if p.is_dir()]


def test_two_builds_at_once_build_once(project, tmp_path):
    """Two processes asked to build one environment: the second waits on the lock, then finds it."""
    environ = dict(os.environ, VIDBENCH_ENV_DIR=str(tmp_path / "envs"),
                   PYTHONPATH=str(Path(__file__).resolve().parents[2]),
                   **{"VIDBENCH_PYTHON_" + PY.replace(".", "_"): sys.executable})
    code = ("import sys; from pathlib import Path; from orchestrator.envs.build import EnvStore; "
            f"EnvStore(recipes_dir=Path({str(project / 'envs' / 'recipes')!r}), "
            f"project_root=Path({str(project)!r})).build('base')")
    procs = [subprocess.Popen([sys.executable, "-c", code], env=environ, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    errs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert sum("built in" in e for e in errs) == 1
    assert sum("built meanwhile" in e or e.strip() == "" for e in errs) == 1


def test_several_environments_build_at_once_and_share_their_layer_once(project, tmp_path):
    store = store_for(project, tmp_path)
    lines = []
    paths = store.build_many(["top", "side"], parallel=2, progress=lines.append)
    assert paths == [store.path_of("top"), store.path_of("side")]
    assert all(store.info(n) is not None for n in ("base", "top", "side"))
    built = [line.split(":")[0] for line in lines if " built in " in line]
    assert sorted(built) == ["env base", "env side", "env top"]     # the layer once


def test_a_failed_build_among_several_is_raised_and_the_others_finish(project, tmp_path):
    store = store_for(project, tmp_path)
    with pytest.raises(UserError, match="environment broken"):
        store.build_many(["broken", "top"], parallel=2, progress=lambda _: None)
    assert store.info("top") is not None and store.info("broken") is None


def test_an_unbuilt_environment_says_what_to_run(project, tmp_path):
    store = store_for(project, tmp_path)
    with pytest.raises(UserError, match="environment top is not built .*run: python -m orchestrator env build top"):
        store.require("top")
    with pytest.raises(UserError, match="no environment recipe 'nope'"):
        store.path_of("nope")
