# BSN f13707f on the demo's data: envs/bsn.sh (the job folder, PGM before PEM) with the
# features of data/demo/activitynet/activitynet_feature_cuhk/csv_mean_100 and its annotation subset (64 real videos).
. "$(dirname "${BASH_SOURCE[0]}")/env_common.sh" || return 1
export VIDBENCH_DATA="$VIDBENCH_DEMO_ANET/activitynet_feature_cuhk/csv_mean_100"
export VIDBENCH_BSN_ANNOTATIONS="$VIDBENCH_DEMO_ANET/activitynet_annotations"
. "$VIDBENCH_DEMO_ROOT/envs/bsn.sh"
