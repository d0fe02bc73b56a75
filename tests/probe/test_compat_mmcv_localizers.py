"""CPU compatibility for MMAction2 fd993ca's localizers: mmcv 1.0.5's ``MMDataParallel`` hands a
model on the CPU (no ``device_ids``) each ``DataContainer`` as mmcv's scatter gives one GPU.

Runs in the real ``mmaction2-fd993ca`` environment (mmcv 1.0.5 on torch 1.4.0), skipped with a
message where it is not built. The model here is a plain torch module whose ``train_step``
records what it was given: what BMN's and BSN's ``forward`` would see.
"""
import json
import os
import subprocess
import textwrap

import pytest

from orchestrator.envs.build import EnvStore
from orchestrator.errors import UserError
from orchestrator.probe import probe_env

try:
    ENV = EnvStore().require("mmaction2-fd993ca")
    WHY = ""
except UserError as exc:
    ENV, WHY = None, str(exc)
pytestmark = pytest.mark.skipif(ENV is None, reason=f"needs the mmaction2-fd993ca env: {WHY}")

SCRIPT = textwrap.dedent("""
    import json, sys
    import torch
    from mmcv.parallel import DataContainer, MMDataParallel, collate

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Linear(2, 1)
        def train_step(self, data, optimizer=None):
            return {"gt_bbox": type(data["gt_bbox"]).__name__, "n": len(data["gt_bbox"]),
                    "raw": list(data["raw_feature"].shape)}
        val_step = train_step
        def forward(self, return_loss=True, **data):
            return self.train_step(data)

    samples = [{"raw_feature": torch.zeros(4, 3),
                "gt_bbox": DataContainer(torch.tensor([[0.1, 0.5]]), stack=False, cpu_only=True)}
               for _ in range(2)]
    batch = collate(samples, samples_per_gpu=2)
    model = MMDataParallel(Model(), device_ids=[0]).cuda()
    out = {"train": model.train_step(batch, None), "val": model.val_step(batch, None),
           "forward": model(return_loss=False, **batch)}
    import _vidbench_cpu_compat
    out["patches"] = list(_vidbench_cpu_compat.PATCHES)
    print(json.dumps(out))
""")


def test_each_data_container_reaches_the_model_as_one_devices_chunk(tmp_path):
    script = tmp_path / "step.py"
    script.write_text(SCRIPT)
    env = probe_env(tmp_path / "probe", dict(os.environ, OMP_NUM_THREADS="1"), cpu_compat=True)
    proc = subprocess.run([str(ENV / "bin" / "python"), str(script)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    for step in ("train", "val", "forward"):
        assert out[step] == {"gt_bbox": "list", "n": 2, "raw": [2, 4, 3]}
    assert "mmcv MMDataParallel.train_step/val_step/forward (CPU: one device's chunk)" \
        in out["patches"]
