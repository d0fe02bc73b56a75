# PySlowFast at 8299c98. Sourced in the checkout before the command (see _common.sh).
# Needs (INSTALL.md:4-28, setup.py:12-27): Python 3.6+ (3.7 on the page), PyTorch 1.3+ (1.4 on the
# page) with CUDA (build.py:33-35), torchvision>=0.4.2 matching torch, fvcore, yacs, simplejson,
# av (PyAV), opencv-python, pandas, psutil, termcolor, tensorboard, and detectron2 (imported by
# tools/run_net.py -> demo_net.py and head_helper.py: ROIAlign), which must be built against
# the same torch/CUDA. Build step once per checkout: `python setup.py build develop`.
#   pip install 'git+https://github.com/facebookresearch/fvcore' av==8.0.2 simplejson psutil
#   pip install detectron2 -f https://dl.fbaipublicfiles.com/detectron2/wheels/cu101/torch1.4/index.html
# Data: DATA.PATH_TO_DATA_DIR (on the command line) is a folder with train.csv / val.csv
# listing video paths and labels.
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
export PYTHONPATH="$PWD/slowfast:$PWD${PYTHONPATH:+:$PYTHONPATH}"
