# BMN 45d0514 on the demo's data: envs/bmn.sh; the command reads ./vidbench-demo-data (linked here).
. "$(dirname "${BASH_SOURCE[0]}")/env_common.sh" || return 1
. "$VIDBENCH_DEMO_ROOT/envs/bmn.sh"
vidbench_demo_anet_link
