# BMN at 45d0514. Sourced in the checkout before the command (see _common.sh).
# Needs (README.md:29): Python 3, PyTorch 0.4.1+ (1.4 on the page) with CUDA, numpy, pandas,
# scipy. GPU only, and exactly two GPUs: main.py:87 DataParallel(device_ids=[0, 1]).
# No compiled ops, no requirements file. Recipe: envs/recipes/bmn-45d0514.yaml.
# Data: opts.py defaults point at /home/zenghao/...; the command passes --video_info,
# --video_anno (tracked under data/activitynet_annotations) and --feature_path (VIDBENCH_DATA).
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
# Python 3 would write __pycache__/ beside the checkout's sources (untracked: a dirty tree)
export PYTHONDONTWRITEBYTECODE=1
mkdir -p checkpoint output
