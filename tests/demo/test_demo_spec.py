"""jobs/demo.yaml (the recognition table in miniature, what `make demo` runs) and
jobs/demo-now.yaml (MMAction2 fd993ca beside 1.2.0, `make demo DEMO_FULL=1`), checked
without running them."""
import pathlib
import re

from orchestrator.spec.expand import expand
from orchestrator.spec.load import load_spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = ROOT / "jobs" / "demo.yaml"
NOW_SPEC = ROOT / "jobs" / "demo-now.yaml"
FD993CA = "fd993ca078d0cb15570d508a03374b9f48ae0155"
# column -> where its configs are (the pinned one's inherit the checkout's through _base_)
CONFIG_DIRS = {"mmaction2": ROOT / "demo" / "mmaction2_fd993ca" / "configs",
               "mmaction2-now": ROOT / "demo" / "mmaction2" / "configs"}


def test_the_recognition_demo_has_the_page_frameworks_in_the_page_order():
    spec = load_spec(SPEC)
    assert spec.table == "demo"
    assert list(spec.frameworks) == ["mmaction2", "mmaction", "tsm", "pyslowfast"]
    assert spec.frameworks["mmaction2"].label == "MMAction2 (fd993ca)"


def test_then_and_now_puts_mmaction2_1_2_0_beside_the_pinned_one():
    spec = load_spec(NOW_SPEC)
    assert spec.table == "demo-now"
    assert list(spec.frameworks) == ["mmaction2", "mmaction2-now"]
    assert spec.frameworks["mmaction2-now"].label == "MMAction2 1.2.0 (now)"


def pinned_base(path: pathlib.Path) -> str:
    """The pinned config a demo config inherits, through sibling demo configs (`./x.py`)."""
    text = path.read_text()
    (base,) = re.findall(r"_base_ = \['\.\.?/([^']+)'\]", text)
    if re.search(r"_base_ = \['\./", text):
        return pinned_base(path.parent / base)
    return base


def fd993ca_config_text(path: pathlib.Path) -> str:
    """The config and the sibling demo configs it inherits, as one text."""
    text = path.read_text()
    sibling = re.findall(r"_base_ = \['\./([^']+)'\]", text)
    return text + "".join(fd993ca_config_text(path.parent / s) for s in sibling)


def test_mmaction2_runs_its_own_train_script_at_the_pin_in_its_recipe_environment():
    jobs = [j for spec in (SPEC, NOW_SPEC) for j in expand(load_spec(spec))
            if j.framework == "mmaction2"]
    assert len(jobs) == 6 + 3
    for job in jobs:
        assert job.commit == FD993CA and job.source.bundle == "mmaction2-fd993ca.bundle"
        assert job.environment.recipe == "mmaction2-fd993ca"
        assert (ROOT / "envs" / "recipes" / "mmaction2-fd993ca.yaml").is_file()
        assert job.compat_mode == "cpu"
        (stage,) = job.stages
        assert stage.command[:2] == ("python", "tools/train.py")
        config = stage.command[2]
        assert config.startswith("vidbench_demo/")
        base = pinned_base(CONFIG_DIRS["mmaction2"] / pathlib.Path(config).name)
        assert base.startswith("configs/recognition/")
        assert base.endswith("_kinetics400_rgb.py")   # a pinned config, inherited unmodified
        assert "vidbench_demo" in job.outputs and "data" in job.outputs


def test_the_recognition_demo_has_each_of_the_page_pairings_once():
    spec = load_spec(SPEC)
    run = {(c.model, c.input): sorted(fw for fw, e in c.entries.items() if e.status == "run")
           for c in spec.cells}
    assert run == {
        ("TSN R18", "224px rawframes"): ["mmaction", "mmaction2", "tsm"],   # TSM's only size
        ("TSM R18", "224px rawframes"): ["mmaction2", "tsm"],
        ("I3D R50", "32px rawframes"): ["mmaction", "mmaction2"],
        ("I3D R50 (quarter width)", "32px videos"): ["mmaction2", "pyslowfast"],
        ("SlowOnly R50 (quarter width)", "32px videos"): ["mmaction2", "pyslowfast"],
        ("SlowFast R50 (quarter width)", "32px videos"): ["mmaction2", "pyslowfast"]}
    assert sum(len(v) for v in run.values()) == 13
    for job in expand(spec):
        assert (ROOT / job.environment.setup).is_file()
        assert {"CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1"}.items() <= dict(job.stages[0].env).items()


def test_then_and_now_pairs_the_pinned_mmaction2_with_1_2_0_on_the_same_input():
    spec = load_spec(NOW_SPEC)
    assert [(c.model, c.input) for c in spec.cells] == [
        ("TSN R18", "56px rawframes"), ("TSN R18", "56px videos"),
        ("SlowOnly R18", "56px rawframes")]
    for cell in spec.cells:
        assert {fw: e.status for fw, e in cell.entries.items()} == {
            "mmaction2": "run", "mmaction2-now": "run"}
    for job in expand(spec):
        if job.framework == "mmaction2-now":
            (stage,) = job.stages
            assert (CONFIG_DIRS["mmaction2-now"] / pathlib.Path(stage.command[2]).name).is_file()
            assert job.source.package == "mmaction2==1.2.0"
        assert (ROOT / job.environment.setup).is_file()


def test_iterations_are_variables_with_defaults_past_the_warm_up():
    by_fw = {j.framework: j for j in expand(load_spec(NOW_SPEC))}
    assert "train_cfg.max_iters=60" in by_fw["mmaction2-now"].stages[0].command
    assert dict(by_fw["mmaction2"].stages[0].env)["DEMO_EPOCHS"] == "1"   # 1 x 60 = 60
    short = {j.framework: j for j in expand(load_spec(NOW_SPEC),
                                            variables={"DEMO_ITERS": "100", "DEMO_EPOCHS": "3"})}
    assert "train_cfg.max_iters=100" in short["mmaction2-now"].stages[0].command
    assert dict(short["mmaction2"].stages[0].env)["DEMO_EPOCHS"] == "3"
    tsm = {j.cell.model: j for j in expand(load_spec(SPEC)) if j.framework == "tsm"}
    argv = list(tsm["TSN R18"].stages[0].command)
    assert argv[argv.index("--epochs") + 1] == "15" and argv[argv.index("--batch-size") + 1] == "2"
    argv = list(tsm["TSM R18"].stages[0].command)   # 8 clips at batch 1: 8 x 8 = 64
    assert argv[argv.index("--epochs") + 1] == "8" and argv[argv.index("--batch-size") + 1] == "1"


def test_fd993ca_configs_make_60_iterations_per_epoch_without_gradient_clipping():
    # 8 clips (demo.data default) repeated `times`, at the config's batch: the spec's "60 per
    # epoch" (64 at batch 1: 8 clips cannot make 60); no clipping (torch 1.4's CPU norm)
    for path in CONFIG_DIRS["mmaction2"].glob("*.py"):
        text = fd993ca_config_text(path)
        times = int(re.search(r"times=(\d+)", text).group(1))
        batch = int(re.search(r"videos_per_gpu=(\d+)", text).group(1))
        assert 8 * times // batch == (60 if batch == 2 else 64), path.name
        assert "DEMO_EPOCHS" in text and "pretrained=None" in text
        assert "optimizer_config = dict(grad_clip=None)" in text, path.name


PYSF = "8299c9862f83a067fa7114ce98120ae1568a83ec"


def test_pyslowfast_runs_its_own_run_net_at_the_pin_on_the_demo_videos():
    spec = load_spec(SPEC)
    jobs = [j for j in expand(spec) if j.framework == "pyslowfast"]
    assert [(j.cell.model, j.cell.input) for j in jobs] == [
        ("I3D R50 (quarter width)", "32px videos"), ("SlowOnly R50 (quarter width)", "32px videos"),
        ("SlowFast R50 (quarter width)", "32px videos")]
    for job in jobs:
        assert job.commit == PYSF and job.source.bundle == "slowfast-8299c98.bundle"
        assert job.environment.recipe == "pyslowfast-8299c98" and job.compat_mode == "cpu"
        (stage,) = job.stages
        argv = list(stage.command)
        assert argv[:3] == ["python", "tools/run_net.py", "--cfg"]
        opts = dict(zip(argv[4::2], argv[5::2]))
        assert opts["DATA.PATH_TO_DATA_DIR"] == "data/demo/pyslowfast"   # demo/data_pyslowfast.py
        assert opts["NUM_GPUS"] == "1" and opts["TRAIN.BATCH_SIZE"] == "2"
        assert opts["TRAIN.AUTO_RESUME"] == "False" and opts["SOLVER.MAX_EPOCH"] == "1"
        assert opts["OUTPUT_DIR"] == f"work_dirs/{job.name}"
        assert stage.log_globs == (f"work_dirs/{job.name}/stdout.log",)
        # a quarter of ResNet-50's width, as MMAction2's base_channels=16 beside it
        assert opts["RESNET.WIDTH_PER_GROUP"] == "16"
        (paired,) = [j for j in expand(spec) if j.framework == "mmaction2" and j.cell == job.cell]
        config = fd993ca_config_text(CONFIG_DIRS["mmaction2"] / pathlib.Path(
            paired.stages[0].command[2]).name)
        assert "base_channels=16" in config and "quarter width" in job.cell.model
        assert {"work_dirs", "data"} <= set(job.outputs)
    # the rows without a PySlowFast model or reader are the page's x
    for cell in spec.cells:
        if cell.input != "32px videos":
            assert cell.entries["pyslowfast"].status == "unsupported"


def test_the_sweep_gets_the_localization_table_first_and_the_report_keeps_the_page_order():
    # MMAction2's BSN job is the demo's longest: first in the sweep, the local executor's
    # round-robin gives it a runner at once instead of leaving it alone at the end
    from demo import run
    specs = run.demo_specs(full=True)
    assert [p.name for p in specs] == ["demo.yaml", "demo-localization.yaml", "demo-now.yaml"]
    assert [p.name for p in run.sweep_order(specs)] == [
        "demo-localization.yaml", "demo.yaml", "demo-now.yaml"]


def test_each_specs_report_shows_its_own_table_only(tmp_path):
    # the CSV holds the rows of every demo spec: each report takes its own table, so that the
    # demo prints each table once
    from demo import run
    csv_path = tmp_path / "results.csv"
    seen = []
    for i, spec in enumerate(run.demo_specs(full=True)):       # reported in the page's order
        table, dest, html, md = run.report_commands(csv_path, tmp_path, spec, first=i == 0)
        assert table == load_spec(spec).table
        assert dest == (tmp_path if i == 0 else tmp_path / spec.stem)
        for argv in (html, md):
            assert argv[argv.index("--table") + 1] == load_spec(spec).table
            assert argv[argv.index("--spec") + 1] == str(spec)
            assert argv[argv.index("-o") + 1] == str(dest)
        seen.append(load_spec(spec).table)
    assert seen == ["demo", "demo-localization", "demo-now"]
