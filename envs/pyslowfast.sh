# PySlowFast at 8299c98. Sourced in the checkout before the command (see _common.sh).
# The environment is the recipe envs/recipes/pyslowfast-8299c98.yaml (Python 3.7, torch 1.4.0 +
# torchvision 0.5.0 from the shared layer, fvcore 0.1.1.post20200704, yacs, simplejson, psutil,
# opencv-python 4.2, pandas, scikit-learn, tensorboard, PyAV 8.0.2 built against its own
# FFmpeg 4.3.7): `python -m orchestrator env build pyslowfast-8299c98`; or your own through
# VIDBENCH_ACTIVATE / VIDBENCH_CONDA_ENV / VIDBENCH_MODULES.
# detectron2 (imported by tools/run_net.py -> demo_net.py and slowfast/models/head_helper.py:8
# for ROIAlign) is needed only by AVA detection and the demo: on a GPU cluster install the build
# for the same torch/CUDA into the environment (`pip install detectron2 -f
# https://dl.fbaipublicfiles.com/detectron2/wheels/cu101/torch1.4/index.html`); CPU
# compatibility mode puts a stand-in in its place that raises when used.
# No `python setup.py build develop` (it fails on the detectron2 requirement, and easy_install
# crawls the package index first): the checkout goes on PYTHONPATH, as INSTALL.md allows.
# Data: DATA.PATH_TO_DATA_DIR (on the command line) is a folder with train.csv / val.csv
# listing video paths and labels.
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
