"""CPU compatibility mode for PySlowFast 8299c98 (``_vidbench_compat_pyslowfast``): the calls its
Kinetics training makes answer on the CPU, only in processes that import ``slowfast``, and the
stand-in detectron2 raises as soon as anything in it is really used.

The ``slowfast`` package here is a test program made of the pinned commit's own lines (quoted
with file:line), so these tests run in seconds with the project's torch; the real training at
the pin is tests/frameworks/test_pyslowfast.py.
"""
import textwrap

import pytest

pytestmark = pytest.mark.training

# the lines of slowfast 8299c98 that need the patches, in one module of the package (as there,
# imported after the package itself: slowfast/__init__.py only sets up logging)
SLOWFAST_MODELS = '''
import torch
from detectron2.layers import ROIAlign                     # slowfast/models/head_helper.py:8


def build_model(model, num_gpus=1):
    assert (
        num_gpus <= torch.cuda.device_count()
    ), "Cannot use more GPU devices than available"        # slowfast/models/build.py:25-27
    cur_device = torch.cuda.current_device()               # build.py:33
    return model.cuda(device=cur_device)                   # build.py:35


def gpu_mem_usage():
    mem_usage_bytes = torch.cuda.max_memory_allocated()    # slowfast/utils/misc.py:49
    return mem_usage_bytes / 1024 ** 3
'''

TRAIN = """
import torch
before = torch.cuda.device_count()
import slowfast.models as slowfast
model = slowfast.build_model(torch.nn.Linear(4, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    loss = model(torch.randn(2, 4).cuda(non_blocking=True)).sum()
    opt.zero_grad(); loss.backward(); opt.step()
print("gpu_mem", "{:.2f} GB".format(slowfast.gpu_mem_usage()))
print("device_count", before, torch.cuda.device_count(), "available", torch.cuda.is_available())
try:
    slowfast.ROIAlign((7, 7), spatial_scale=1.0 / 16, sampling_ratio=0)
except Exception as exc:
    print(type(exc).__name__, str(exc))
from detectron2 import model_zoo                         # tools/demo_net.py:8
from detectron2.config import get_cfg                    # tools/demo_net.py:9
print("model_zoo", type(model_zoo).__name__, get_cfg.__name__)
"""


@pytest.fixture
def slowfast_program(tmp_path):
    (tmp_path / "slowfast").mkdir()
    (tmp_path / "slowfast" / "__init__.py").write_text("")
    (tmp_path / "slowfast" / "models.py").write_text(textwrap.dedent(SLOWFAST_MODELS))
    return tmp_path


def test_pyslowfast_calls_answer_on_the_cpu_and_are_listed(run_probed, slowfast_program):
    without, _ = run_probed(TRAIN, probe=False)
    assert without.returncode != 0
    assert "No module named 'detectron2'" in without.stderr

    proc, records = run_probed(TRAIN, cpu_compat=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert lines[0] == "gpu_mem 0.00 GB"          # what 8299c98 logs on the CPU: not a GPU figure
    assert lines[1] == "device_count 0 1 available False"   # 1 only once slowfast is imported
    assert lines[2].startswith("Detectron2StandInError vidbench CPU compatibility mode: "
                               "detectron2.layers.ROIAlign is a stand-in")
    assert lines[3] == "model_zoo _StandInModule get_cfg"
    path, iters = records.only_stepping()
    assert len(iters) == 3
    assert all(r["mem_gb"] is None for r in iters)   # the probe never reads the stand-in counter
    patches = records.by_file[path][0]["compat_patches"]
    assert {"Tensor.cuda", "pyslowfast: torch.cuda.device_count=1",
            "pyslowfast: detectron2 stand-in (raises when called)"} <= set(patches)


def test_a_process_without_slowfast_keeps_the_general_layer(run_probed):
    proc, records = run_probed("""
        import torch
        print(torch.cuda.device_count())
        try:
            import detectron2
        except ImportError as exc:
            print("ImportError", exc)
        """, cpu_compat=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == "0\nImportError No module named 'detectron2'\n"
    assert not any(p.startswith("pyslowfast:") for h in records.headers()
                   for p in h["compat_patches"])


def test_a_real_detectron2_wins_over_the_stand_in(run_probed, slowfast_program):
    (slowfast_program / "detectron2" / "layers").mkdir(parents=True)
    (slowfast_program / "detectron2" / "__init__.py").write_text("REAL = True\n")
    (slowfast_program / "detectron2" / "layers" / "__init__.py").write_text("ROIAlign = 'real'\n")
    proc, _ = run_probed("""
        import torch, slowfast.models, detectron2
        print(detectron2.REAL, slowfast.models.ROIAlign)
        """, cpu_compat=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == "True real\n"
