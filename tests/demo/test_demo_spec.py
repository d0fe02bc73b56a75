"""jobs/demo.yaml: what `make demo` runs, checked without running it."""
import pathlib
import re

from orchestrator.spec import expand, load_spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = ROOT / "jobs" / "demo.yaml"
CONFIG_DIRS = {"mmaction2": ROOT / "demo" / "mmaction2" / "configs",
               "mmaction": ROOT / "demo" / "mmaction050" / "configs"}


def test_every_cell_runs_both_frameworks_own_training_script():
    spec = load_spec(SPEC)
    assert spec.table == "demo"
    jobs = expand(spec)
    assert len(jobs) == 2 * len(spec.cells) == 8
    assert {c.input for c in spec.cells} == {"56px rawframes", "56px videos"}
    for job in jobs:
        (stage,) = job.stages
        assert stage.command[:3] == ("python", "tools/train.py", stage.command[2])
        assert (CONFIG_DIRS[job.framework] / pathlib.Path(stage.command[2]).name).is_file()
        assert (ROOT / job.environment.setup).is_file()
        assert job.source.package in ("mmaction2==1.2.0", "mmaction==0.5.0")
        assert stage.env == {"CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1",
                             "MKL_NUM_THREADS": "1"}


def test_iterations_are_variables_with_defaults_past_the_warm_up():
    spec = load_spec(SPEC)
    by_fw = {j.framework: j for j in expand(spec)}
    assert "train_cfg.max_iters=100" in by_fw["mmaction2"].stages[0].command
    assert "total_epochs=3" in by_fw["mmaction"].stages[0].command   # 3 x 40 = 120
    short = {j.framework: j for j in expand(spec, variables={"DEMO_ITERS": "60",
                                                             "DEMO_EPOCHS": "2"})}
    assert "train_cfg.max_iters=60" in short["mmaction2"].stages[0].command
    assert "total_epochs=2" in short["mmaction"].stages[0].command


def test_0_5_0_configs_make_40_iterations_per_epoch():
    # 8 clips (demo.data default) repeated `times`, batch 2: the spec's "40 per epoch"
    for path in CONFIG_DIRS["mmaction"].glob("tsn_r18_rawframes.py"):
        text = path.read_text()
        times = int(re.search(r"times=(\d+)", text).group(1))
        batch = int(re.search(r"videos_per_gpu=(\d+)", text).group(1))
        assert 8 * times // batch == 40
