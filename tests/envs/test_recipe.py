"""Recipes (orchestrator/envs/recipe.py): what a recipe may say, and what its hash depends on."""
import pytest

from orchestrator.envs.recipe import RecipeError, layer_order, parse_recipe, recipe_hash

MMACTION2 = """\
name: mma2
python: "3.7"
layers: [torch14]
steps:
  - pip: [numpy==1.19.1, Cython==0.29.21]
  - pip: [--no-deps, mmcv==1.0.5]
  - run: envs/build/x.sh
"""


def test_a_recipe_reads_as_written():
    r = parse_recipe(MMACTION2, "mma2.yaml", expected_name="mma2")
    assert (r.name, r.python, r.layers, r.system) == ("mma2", "3.7", ("torch14",), ())
    assert [(s.kind, s.args) for s in r.steps] == [
        ("pip", ("numpy==1.19.1", "Cython==0.29.21")), ("pip", ("--no-deps", "mmcv==1.0.5")),
        ("run", ("envs/build/x.sh",))]
    assert r.run_scripts == ("envs/build/x.sh",)


@pytest.mark.parametrize("text, message", [
    ("name: a\npython: 3.7\n", "mma2.yaml:2: 'python' must be a quoted major.minor"),
    ("name: a\npython: '3.7'\nsteps:\n  - pip: [numpy]\n", "mma2.yaml:4: pip requirement 'numpy' is not an exact pin"),
    ("name: a\npython: '3.7'\nsteps:\n  - pip: [numpy>=1.19]\n", "is not an exact pin"),
    ("name: a\npython: '3.7'\nsteps:\n  - pip: [-e, .]\n", "mma2.yaml:4: pip option '-e' is not allowed"),
    ("name: a\npython: '3.7'\nsteps:\n  - pip: [--no-deps]\n", "needs at least one package"),
    ("name: a\npython: '3.7'\nsteps:\n  - conda: [x]\n", "mma2.yaml:4: a step is one of pip: ..., run: ..."),
    ("name: a\npython: '3.7'\nsteps:\n  - run: ../outside.sh\n", "'run' takes one project script"),
    ("name: a\npython: '3.7'\nbuild: [x]\n", "mma2.yaml:3: unknown key 'build' (valid: name, python"),
    ("python: '3.7'\n", "mma2.yaml:1: missing 'name'"),
    ("name: b\npython: '3.7'\n", "mma2.yaml:1: name 'b' differs from its file name 'a'"),
    ("name: a\npython: '3.7'\nsystem: [Bad_Name]\n", "bad Debian package name 'Bad_Name'"),
])
def test_a_bad_recipe_is_one_line_naming_file_and_line(text, message):
    with pytest.raises(RecipeError) as err:
        parse_recipe(text, "mma2.yaml", expected_name="a")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_the_hash_ignores_spelling_and_notes_but_not_content():
    base = parse_recipe(MMACTION2)
    respelled = parse_recipe("# comment\nsteps: [{pip: [numpy==1.19.1, Cython==0.29.21]}, "
                             "{pip: [--no-deps, mmcv==1.0.5]}, {run: envs/build/x.sh}]\n"
                             "layers: [torch14]\npython: '3.7'\nname: mma2\nnotes: why\n")
    layers, scripts = {"torch14": "aaaaaaaaaaaa"}, {"envs/build/x.sh": b"echo hi\n"}
    h = recipe_hash(base, layers, scripts)
    assert len(h) == 12 and int(h, 16) >= 0
    assert recipe_hash(respelled, layers, scripts) == h
    assert recipe_hash(base, {"torch14": "bbbbbbbbbbbb"}, scripts) != h      # a rebuilt layer
    assert recipe_hash(base, layers, {"envs/build/x.sh": b"echo ho\n"}) != h  # a changed script
    other_pin = parse_recipe(MMACTION2.replace("numpy==1.19.1", "numpy==1.19.2"))
    assert recipe_hash(other_pin, layers, scripts) != h


def test_layers_come_first_and_cycles_or_mixed_pythons_are_refused():
    recipes = {n: parse_recipe(t, n) for n, t in {
        "torch14": "name: torch14\npython: '3.7'\n",
        "mma2": "name: mma2\npython: '3.7'\nlayers: [torch14]\n",
        "py2": "name: py2\npython: '2.7'\nlayers: [torch14]\n",
        "c1": "name: c1\npython: '3.7'\nlayers: [c2]\n",
        "c2": "name: c2\npython: '3.7'\nlayers: [c1]\n",
        "lost": "name: lost\npython: '3.7'\nlayers: [nowhere]\n"}.items()}
    assert layer_order(recipes, "mma2") == ("torch14", "mma2")
    for name, message in (("py2", "layer 'torch14' is Python 3.7, 'py2' is 2.7"),
                          ("c1", "layers form a cycle"), ("lost", "unknown recipe 'nowhere'")):
        with pytest.raises(RecipeError, match=message):
            layer_order(recipes, name)
