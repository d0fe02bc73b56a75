# MMAction (v1) at 7f3490d. Sourced in the checkout before each stage (see _common.sh).
# Environment: envs/recipes/mmaction-7f3490d.yaml (torch 1.4.0 + torchvision 0.5.0, the CUDA 10.1
# wheels, mmcv 0.4.4: mmaction/apis/train.py:8 imports mmcv.parallel.distributed_deprecated),
# which command.sh activates (or your own: VIDBENCH_ACTIVATE / VIDBENCH_CONDA_ENV, see _common.sh).
# The checkout is not pip-installed (the environment serves every checkout): it goes on
# PYTHONPATH. Its models import compiled CUDA ops at import time (traj_conv.py:9 `import
# traj_conv_cuda`, nms, roi_align, roi_pool, resample2d), and mmaction/__init__.py imports the
# git-ignored mmaction/version.py that setup.py writes. On a GPU node, build both once per checkout
# with the framework's own steps: (cd <checkout> && ./compile.sh && python setup.py develop).
# In CPU compatibility mode (VIDBENCH_CPU_COMPAT=1, the demo) the injected layer supplies the
# version module and placeholders for the ops instead, each raising if a training calls it
# (orchestrator/probe/inject/_vidbench_compat_mmaction.py); the checkout is never written to.
# Submodules (third_party/decord, dense_flow) are only needed to decode videos / extract frames.
# Data: configs read data/kinetics400/... relative to the checkout (a git-ignored link here).
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if [ "${VIDBENCH_CPU_COMPAT:-0}" = 0 ] && ! python -c "import traj_conv_cuda" 2>/dev/null; then
  echo "vidbench: MMAction's CUDA ops are not built; run: (cd $PWD && ./compile.sh && python setup.py develop)" >&2
fi
[ -z "${VIDBENCH_DATA_LINK:-}" ] || vidbench_link "${VIDBENCH_DATA_LINK}" "${VIDBENCH_DATA}"
