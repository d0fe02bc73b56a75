"""CPU compatibility mode: CUDA-only PyTorch code in the style of TSM and BMN runs on the CPU."""
import pytest

pytestmark = pytest.mark.training

CUDA_ONLY = """
import torch
assert not torch.cuda.is_available()
net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
model = torch.nn.DataParallel(net, device_ids=[0, 1]).cuda()       # TSM's main.py does this
criterion = torch.nn.CrossEntropyLoss().cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
torch.backends.cudnn.benchmark = True
for step in range(6):
    x = torch.randn(8, 4).cuda(non_blocking=True)
    target = torch.randint(0, 2, (8,)).to("cuda:0")
    loss = criterion(model(x), target.cuda())
    opt.zero_grad(); loss.backward(); opt.step()
    torch.cuda.synchronize()
print("device", x.device, "available", torch.cuda.is_available())
"""


def test_unmodified_cuda_code_trains_on_the_cpu_and_is_labelled(run_probed):
    without, _ = run_probed(CUDA_ONLY, probe=False)
    assert without.returncode != 0          # the same code fails on the CPU without the mode

    proc, records = run_probed(CUDA_ONLY, cpu_compat=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == "device cpu available False\n"
    path, iters = records.only_stepping()
    assert len(iters) == 6
    header = records.by_file[path][0]
    assert header["cpu_compat"] is True
    assert {"Tensor.cuda", "Module.cuda", "torch.cuda.is_available"} <= set(header["compat_patches"])
    assert all(r["mem_gb"] is None for r in iters)
