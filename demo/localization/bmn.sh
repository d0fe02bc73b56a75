# BMN 45d0514 on the demo's data: envs/bmn.sh; the command reads ./vidbench-demo-data, linked
# here to the demo's data (untracked: the spec's `outputs:`; every BMN job links the same folder).
. "$(dirname "${BASH_SOURCE[0]}")/env_common.sh" || return 1
. "$VIDBENCH_DEMO_ROOT/envs/bmn.sh"
ln -sfn "$VIDBENCH_DEMO_ANET" vidbench-demo-data
