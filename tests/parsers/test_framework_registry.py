"""parsers/frameworks.py is the one list of frameworks: every part that names them derives its
names, titles and rules from it, and what it declares matches the parser modules, the
environment recipes and the specs that use them."""
import importlib
import subprocess
import sys
from pathlib import Path

from parsers import api, frameworks
from parsers.frameworks import BY_NAME, FRAMEWORKS, REGISTRY, parser_of

ROOT = Path(__file__).resolve().parents[2]


def test_the_registry_lists_the_six_frameworks_in_the_page_s_column_order():
    assert FRAMEWORKS == ("mmaction2", "mmaction", "tsm", "pyslowfast", "bsn", "bmn")
    assert frameworks.PROBE_ONLY == ("bsn", "bmn")
    assert frameworks.DETECT_ORDER == ("pyslowfast", "mmaction2", "mmaction", "tsm")
    assert list(frameworks.PAGE_TITLES.values()) == [
        "MMAction2", "MMAction", "Temporal-Shift-Module", "PySlowFast",
        "BSN(boundary sensitive network)", "BMN(boundary matching network)"]


def test_each_entry_is_what_its_parser_module_reads():
    for fw in REGISTRY:
        module = importlib.import_module(fw.parser)
        assert module.FRAMEWORK.name == fw.name
        assert module.FRAMEWORK.title == fw.title
        assert tuple(f.name for f in module.FRAMEWORK.formats) == fw.formats, fw.name
        assert api.framework(fw.name) is module.FRAMEWORK


def test_each_entry_names_a_recipe_and_a_setup_script_that_exist():
    for fw in REGISTRY:
        assert (ROOT / "envs" / "recipes" / f"{fw.recipe}.yaml").is_file(), fw.recipe
        assert (ROOT / fw.setup).is_file(), fw.setup


def test_the_specs_build_each_framework_from_its_registered_recipe():
    from orchestrator.spec.load import load_spec
    for path in sorted((ROOT / "jobs").glob("*.yaml")):
        spec = load_spec(str(path))
        for name, fw in spec.frameworks.items():
            if name in BY_NAME:
                assert fw.settings.environment.recipe == BY_NAME[name].recipe, (path.name, name)


def test_an_extra_demo_column_is_read_by_the_parser_its_name_starts_with():
    assert parser_of("mmaction2-now") == "mmaction2"
    assert parser_of("bsn") == "bsn"


def test_the_orchestrator_takes_its_framework_names_and_titles_from_the_registry():
    from orchestrator.results import tables
    from orchestrator.spec import load
    assert load.FRAMEWORKS is FRAMEWORKS
    assert tables.FRAMEWORK_TITLES is frameworks.PAGE_TITLES


def test_bsn_and_bmn_share_one_implementation_and_keep_their_own_command_line():
    from parsers import bmn, bsn, localization
    assert isinstance(bsn.PARSER, localization.ProbeOnlyParser)
    assert type(bsn.PARSER) is type(bmn.PARSER)
    native = ROOT / "tests" / "parsers" / "samples" / "bmn-native-output.log"
    out = subprocess.run([sys.executable, "-m", "parsers.bmn", str(native)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr == (f"error: {native}: BMN's own output has no per-iteration timing (only "
                          f"per-epoch losses), so it gives no s/iter figure; run the training "
                          f"under the timing probe (python -m orchestrator probe --out DIR -- "
                          f"COMMAND) and parse DIR: python -m parsers.bmn DIR\n")
