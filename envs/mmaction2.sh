# MMAction2 at fd993ca (package 0.5.0). Sourced in the checkout before each stage (see _common.sh).
# Needs (docs/install.md:5-10 at the pin; the page ran Python 3.7, PyTorch 1.4, CUDA 10.1,
# cuDNN 7.6.3, NCCL 2.4.8): Linux, Python 3.6+, PyTorch 1.3+ with CUDA 9.2+ (GPU only: training
# calls .cuda()), GCC 5+, mmcv 0.5.7+ (mmcv 0.6.x, of mid 2020; not mmcv-full: no compiled ops
# at this commit), decord and PyAV for videos, Pillow/opencv for rawframes, and for the page's
# Memcached rows a memcached client (mc) with server_list.conf/client.conf.
# Example:  conda create -n mma2-0.5 python=3.7 pytorch=1.4 torchvision=0.5 cudatoolkit=10.1 -c pytorch
#           pip install mmcv==0.6.2 decord==0.4.0 av==8.0.2 && pip install -e <checkout>
# Data: the configs read data/kinetics400/... (or data/ActivityNet/...) relative to the checkout;
# VIDBENCH_DATA (set per cell in jobs/*.yaml) becomes that folder through a link (git-ignored).
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
[ -z "${VIDBENCH_DATA_LINK:-}" ] || vidbench_link "${VIDBENCH_DATA_LINK}" "${VIDBENCH_DATA}"
