"""jobs/demo.yaml: what `make demo` runs (the recognition table in miniature), checked without
running it."""
import pathlib
import re

from orchestrator.spec import expand, load_spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = ROOT / "jobs" / "demo.yaml"
FD993CA = "fd993ca078d0cb15570d508a03374b9f48ae0155"
# column -> where its configs are (the pinned one's inherit the checkout's through _base_)
CONFIG_DIRS = {"mmaction2": ROOT / "demo" / "mmaction2_fd993ca" / "configs",
               "mmaction2-now": ROOT / "demo" / "mmaction2" / "configs"}


def test_the_page_frameworks_come_first_and_mmaction2_1_2_0_is_the_last_column():
    spec = load_spec(SPEC)
    assert spec.table == "demo"
    names = list(spec.frameworks)
    assert names[0] == "mmaction2" and names[-1] == "mmaction2-now"
    assert spec.frameworks["mmaction2"].label == "MMAction2 (fd993ca)"
    assert spec.frameworks["mmaction2-now"].label == "MMAction2 1.2.0 (now)"
    order = ["mmaction2", "mmaction", "tsm", "pyslowfast", "mmaction2-now"]
    assert names == [n for n in order if n in names]    # the page's order, whoever adds a column


def test_mmaction2_runs_its_own_train_script_at_the_pin_in_its_recipe_environment():
    jobs = [j for j in expand(load_spec(SPEC)) if j.framework == "mmaction2"]
    assert len(jobs) == 7
    for job in jobs:
        assert job.commit == FD993CA and job.source.bundle == "mmaction2-fd993ca.bundle"
        assert job.environment.recipe == "mmaction2-fd993ca"
        assert (ROOT / "envs" / "recipes" / "mmaction2-fd993ca.yaml").is_file()
        assert job.compat_mode == "cpu"
        (stage,) = job.stages
        assert stage.command[:2] == ("python", "tools/train.py")
        config = stage.command[2]
        assert config.startswith("vidbench_demo/")
        text = (CONFIG_DIRS["mmaction2"] / pathlib.Path(config).name).read_text()
        (base,) = re.findall(r"_base_ = \['\.\./(configs/recognition/[^']+)'\]", text)
        assert base.endswith("_kinetics400_rgb.py")   # a pinned config, inherited unmodified
        assert "vidbench_demo" in job.outputs and "data" in job.outputs


def test_every_cell_pairs_the_pinned_mmaction2_with_1_2_0_on_the_same_input():
    spec = load_spec(SPEC)
    jobs = expand(spec)
    assert {c.input for c in spec.cells} == {"56px rawframes", "56px videos", "64px videos"}
    paired = [c for c in spec.cells if c.entries["mmaction2-now"].status == "run"]
    assert [(c.model, c.input) for c in paired] == [
        ("TSN R18", "56px rawframes"), ("TSN R18", "56px videos"), ("I3D R50", "56px rawframes"),
        ("SlowOnly R18", "56px rawframes")]
    # the rows of the page's PySlowFast pairings: ResNet-50, as PySlowFast's models
    assert [c.model for c in spec.cells[4:]] == ["I3D R50", "SlowOnly R50", "SlowFast R50"]
    for cell in spec.cells:
        assert cell.entries["mmaction2"].status == "run"
    for job in jobs:
        if job.framework == "mmaction2-now":
            (stage,) = job.stages
            assert (CONFIG_DIRS["mmaction2-now"] / pathlib.Path(stage.command[2]).name).is_file()
            assert job.source.package == "mmaction2==1.2.0"
        assert (ROOT / job.environment.setup).is_file()
        assert {"CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1"}.items() <= dict(job.stages[0].env).items()


def test_iterations_are_variables_with_defaults_past_the_warm_up():
    spec = load_spec(SPEC)
    by_fw = {j.framework: j for j in expand(spec)}
    assert "train_cfg.max_iters=100" in by_fw["mmaction2-now"].stages[0].command
    assert dict(by_fw["mmaction2"].stages[0].env)["DEMO_EPOCHS"] == "3"   # 3 x 40 = 120
    short = {j.framework: j for j in expand(spec, variables={"DEMO_ITERS": "60",
                                                             "DEMO_EPOCHS": "2"})}
    assert "train_cfg.max_iters=60" in short["mmaction2-now"].stages[0].command
    assert dict(short["mmaction2"].stages[0].env)["DEMO_EPOCHS"] == "2"


def test_fd993ca_configs_make_40_iterations_per_epoch():
    # 8 clips (demo.data default) repeated `times`, batch 2: the spec's "40 per epoch"
    for path in CONFIG_DIRS["mmaction2"].glob("*.py"):
        text = path.read_text()
        times = int(re.search(r"times=(\d+)", text).group(1))
        batch = int(re.search(r"videos_per_gpu=(\d+)", text).group(1))
        assert 8 * times // batch == 40, path.name
        assert "DEMO_EPOCHS" in text and "pretrained=None" in text


PYSF = "8299c9862f83a067fa7114ce98120ae1568a83ec"


def test_pyslowfast_runs_its_own_run_net_at_the_pin_on_the_demo_videos():
    spec = load_spec(SPEC)
    jobs = [j for j in expand(spec) if j.framework == "pyslowfast"]
    assert [(j.cell.model, j.cell.input) for j in jobs] == [
        ("I3D R50", "64px videos"), ("SlowOnly R50", "64px videos"), ("SlowFast R50", "64px videos")]
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
        assert {"work_dirs", "data"} <= set(job.outputs)
    # the rows without a PySlowFast model or reader are the page's x
    for cell in spec.cells:
        if cell.input != "64px videos":
            assert cell.entries["pyslowfast"].status == "unsupported"
