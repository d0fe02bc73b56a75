# BSN at f13707f. Sourced in the checkout before each stage (see _common.sh).
# Needs (README.md:33-35): Python 2.7 (print statements, TEM_train.py:129), TensorFlow 1.x
# (tf.ConfigProto / InteractiveSession; tensorflow-gpu 1.x with its matching CUDA/cuDNN, e.g.
# 1.12 + CUDA 9.0 + cuDNN 7), numpy, pandas, scipy, ~7 GB RAM. No compiled ops. Runs on CPU too.
# Recipe: envs/recipes/bsn-f13707f.yaml.
#
# Why a job folder: the scripts read ./data and write ./output and ./models, and training
# overwrites tracked files (models/TEM/*, models/PEM/*: TEM_train.py:133,136, PEM_train.py:147,150).
# So every stage runs, unmodified, from $VIDBENCH_JOB_DIR/work/bsn: links to the checkout's
# scripts, and its own data/ (the features: VIDBENCH_DATA; the annotations: the checkout's
# data/activitynet_annotations, or VIDBENCH_BSN_ANNOTATIONS, e.g. the demo's subset), models/
# and output/. The checkout stays clean; Python 2 writes no .pyc (PYTHONDONTWRITEBYTECODE).
#
# PGM: the PEM stage trains on PGM features, made from the TEM results; when they are absent
# (a fresh job folder), this script makes them first with the repository's own steps, as
# README.md:57-115 orders them: TEM_test.py, run_pgm_proposal.sh, run_pgm_feature.sh (each
# starts 8 background processes under nohup; sourced here so that `wait` waits for them). They
# are part of the PEM stage's wall time, not of its figure: the probe counts only the training
# Session.run steps of PEM_train.py (TEM_test.py runs inference only).
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
export PYTHONDONTWRITEBYTECODE=1

# vidbench_bsn_workdir DIR: DIR laid out as BSN's checkout expects to be run, then cd there
vidbench_bsn_workdir() {
  local dir=$1 checkout f
  checkout=$(pwd)
  mkdir -p "$dir/data/activitynet_feature_cuhk" "$dir/models/TEM" "$dir/models/PEM" \
    "$dir/output/PEM_results" "$dir/output/TEM_results" "$dir/output/PGM_proposals" \
    "$dir/output/PGM_feature"
  for f in "$checkout"/*.py "$checkout"/*.sh "$checkout/Evaluation"; do
    [ -e "$f" ] && ln -sfn "$f" "$dir/$(basename "$f")"
  done
  ln -sfn "${VIDBENCH_BSN_ANNOTATIONS:-$checkout/data/activitynet_annotations}" \
    "$dir/data/activitynet_annotations"
  cd "$dir"
  [ -z "${VIDBENCH_DATA:-}" ] || vidbench_link data/activitynet_feature_cuhk/csv_mean_100 "${VIDBENCH_DATA}"
}

# vidbench_bsn_pgm: TEM_test.py and the PGM steps of README.md, once per job folder
vidbench_bsn_pgm() {
  if [ -n "$(ls output/PGM_feature 2>/dev/null)" ]; then
    return 0
  fi
  python TEM_test.py
  (. ./run_pgm_proposal.sh; wait)
  (. ./run_pgm_feature.sh; wait)
  if [ -z "$(ls output/PGM_feature 2>/dev/null)" ]; then
    echo "vidbench: PGM made no features in $(pwd)/output/PGM_feature (see the stage output above)" >&2
    return 1
  fi
}

if [ -n "${VIDBENCH_JOB_DIR:-}" ]; then
  vidbench_bsn_workdir "$VIDBENCH_JOB_DIR/work/bsn"
  if [ "${VIDBENCH_STAGE:-}" = PEM ]; then
    vidbench_bsn_pgm
  fi
fi
