# BSN at f13707f. Sourced in the checkout before each stage (see _common.sh).
# Needs (README.md:33-35): Python 2.7 (print statements, TEM_train.py:129), TensorFlow 1.x
# (tf.ConfigProto / InteractiveSession; tensorflow-gpu 1.x with its matching CUDA/cuDNN, e.g.
# 1.12 + CUDA 9.0 + cuDNN 7), numpy, pandas, scipy, ~7 GB RAM. No compiled ops. Runs on CPU too.
#   conda create -n bsn python=2.7 tensorflow-gpu=1.12 pandas scipy
# Data: the scripts read ./data/activitynet_feature_cuhk/csv_mean_100/ and
# ./data/activitynet_annotations/ (tracked) and write ./output/ (made here, see `outputs:`).
# The PEM stage trains on PGM features, made from the TEM results: when they are absent, this
# script makes them first with the repository's own steps (TEM_test.py, PGM proposal and
# feature generation), as README.md:57-115 orders them.
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
mkdir -p output/PEM_results output/TEM_results output/PGM_proposals output/PGM_feature
[ -z "${VIDBENCH_DATA:-}" ] || vidbench_link data/activitynet_feature_cuhk/csv_mean_100 "${VIDBENCH_DATA}"
if [ "${VIDBENCH_STAGE:-}" = PEM ] && [ -z "$(ls output/PGM_feature 2>/dev/null)" ]; then
  python TEM_test.py && python PGM_proposal_generation.py 0 20000 \
    && python PGM_feature_generation.py 0 20000
fi
