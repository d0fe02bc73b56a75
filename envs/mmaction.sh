# MMAction (v1) at 7f3490d. Sourced in the checkout before the command (see _common.sh).
# Needs (INSTALL.md:10-17 at the pin): Linux, Python 3.5+ (3.7 used by the page), PyTorch 1.0+
# (1.4 on the page) with CUDA 9.0+, NVCC 2+, GCC 4.9+, ffmpeg 4.0+, mmcv built from master of
# early 2020 (mmcv 0.4.x/0.5.x), numpy, scipy, scikit-learn, terminaltables, lmdb, joblib
# (setup.py:108-109). GPU only. Build step, once per checkout and environment:
#   cd <checkout> && ./compile.sh && python setup.py develop
# compiles the CUDA ops (mmaction/ops/*: traj_conv, roi_align, nms...) that importing the
# models needs (traj_conv.py:9 `import traj_conv_cuda`). Submodules (third_party/decord,
# dense_flow) are only needed to decode videos / extract frames, not for rawframes training.
# Data: configs read data/kinetics400/... relative to the checkout (a git-ignored link here).
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if ! python -c "import traj_conv_cuda" 2>/dev/null && [ -z "${VIDBENCH_SKIP_BUILD:-}" ]; then
  echo "vidbench: MMAction's CUDA ops are not built; run: (cd $PWD && ./compile.sh && python setup.py develop)" >&2
fi
[ -z "${VIDBENCH_DATA_LINK:-}" ] || vidbench_link "${VIDBENCH_DATA_LINK}" "${VIDBENCH_DATA}"
