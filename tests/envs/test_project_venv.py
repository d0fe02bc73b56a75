"""`make venv` makes the project's environment once per requirements set and links .venv to it.

envs/project_venv.py: the environment is keyed by a hash of what makes it, built under a lock
into its final folder with a marker written last (a folder without the marker is half-built and
is made again), and .venv becomes a link to it. Here ``build`` is replaced by
``build_without_pip``, a test double that makes the folder and the marker without installing
anything (pip's two minutes are not what is tested); the rest is the real module on real files.
"""
import importlib.util
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def pv(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("project_venv", ROOT / "envs" / "project_venv.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    reqs = tmp_path / "requirements.txt"
    reqs.write_text("pyyaml==6.0.4\n")
    fix = tmp_path / "fix_mmaction2_wheel.py"
    fix.write_text("# fix\n")
    monkeypatch.setattr(mod, "INPUTS", (reqs, fix))
    built = []

    def build_without_pip(venv):
        """Test double for pip installs: the folder, a file, the marker."""
        venv.mkdir(parents=True, exist_ok=True)
        (venv / "installed").write_text(mod.key())
        (venv / mod.MARKER).write_text(mod.key() + "\n")
        built.append(venv)

    monkeypatch.setattr(mod, "build", build_without_pip)
    mod.built = built
    mod.reqs = reqs
    return mod


def test_a_second_clone_links_to_the_environment_the_first_built(pv, tmp_path):
    cache = tmp_path / "cache"
    first, second = tmp_path / "a" / ".venv", tmp_path / "b" / ".venv"
    first.parent.mkdir(), second.parent.mkdir()
    assert pv.main([str(first), str(cache)]) == 0
    assert pv.main([str(second), str(cache)]) == 0
    target = cache / f"vidbench-{pv.key()}"
    assert pv.built == [target]                                   # built once
    assert os.readlink(first) == os.readlink(second) == str(target)
    assert (second / "installed").read_text() == pv.key()


def test_other_requirements_make_another_environment_and_the_link_moves(pv, tmp_path):
    cache, venv = tmp_path / "cache", tmp_path / ".venv"
    pv.main([str(venv), str(cache)])
    old = pv.key()
    pv.reqs.write_text("pyyaml==6.0.3\n")
    assert pv.key() != old
    pv.main([str(venv), str(cache)])
    assert os.readlink(venv) == str(cache / f"vidbench-{pv.key()}")
    assert (cache / f"vidbench-{old}").is_dir()                  # the old one stays for its clones
    assert sorted(p.name for p in tmp_path.iterdir()) == [".venv", "cache", "fix_mmaction2_wheel.py",
                                                          "requirements.txt"]   # no link left behind


def test_a_half_built_environment_is_removed_and_made_again(pv, tmp_path):
    cache = tmp_path / "cache"
    half = cache / f"vidbench-{pv.key()}"
    (half / "lib").mkdir(parents=True)          # a build that died: no marker
    (half / "lib" / "partial").write_text("x")
    pv.main([str(tmp_path / ".venv"), str(cache)])
    assert pv.built == [half]
    assert not (half / "lib").exists() and (half / pv.MARKER).read_text().strip() == pv.key()


def test_a_venv_folder_of_its_own_is_kept_and_completed_in_place(pv, tmp_path):
    venv = tmp_path / ".venv"
    venv.mkdir()
    (venv / "mine").write_text("kept")
    assert pv.main([str(venv), str(tmp_path / "cache")]) == 0
    assert not venv.is_symlink() and (venv / "mine").read_text() == "kept"
    assert pv.built == [venv] and not (tmp_path / "cache").exists()
    pv.main([str(venv), str(tmp_path / "cache")])
    assert pv.built == [venv]                                     # complete: nothing to do


def test_no_cache_builds_inside_the_clone(pv, tmp_path):
    venv = tmp_path / ".venv"
    assert pv.main([str(venv), ""]) == 0
    assert pv.built == [venv] and venv.is_dir() and not venv.is_symlink()


def test_a_wrong_call_says_how_to_call_it(pv, capsys):
    assert pv.main([]) == 2
    assert "usage: python3 envs/project_venv.py VENV CACHE_DIR" in capsys.readouterr().err
