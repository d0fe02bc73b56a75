# MMAction2 at fd993ca (package 0.5.0). Sourced in the checkout before each stage (see _common.sh).
# Environment: envs/recipes/mmaction2-fd993ca.yaml (torch 1.4.0 + torchvision 0.5.0, the CUDA
# 10.1 wheels, mmcv 1.0.5: the pinned tools/train.py imports mmcv.runner.set_random_seed), which
# command.sh activates (or your own: VIDBENCH_ACTIVATE / VIDBENCH_CONDA_ENV, see _common.sh).
# The checkout is not pip-installed (the environment serves every checkout): it goes on
# PYTHONPATH, and mmaction/version.py (git-ignored, imported by mmaction/__init__.py) is written
# by the checkout's own setup.py, as `pip install -e .` would write it. No compiled ops at this
# commit. Data: the configs read data/kinetics400/... (or data/ActivityNet/...) relative to the
# checkout; VIDBENCH_DATA (set per cell in jobs/*.yaml) becomes that folder through a link
# (git-ignored).
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
[ -f mmaction/version.py ] || python setup.py --version >/dev/null
[ -z "${VIDBENCH_DATA_LINK:-}" ] || vidbench_link "${VIDBENCH_DATA_LINK}" "${VIDBENCH_DATA}"
