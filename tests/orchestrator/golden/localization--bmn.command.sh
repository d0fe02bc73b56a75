#!/usr/bin/env bash
# vidbench job localization--bmn--activitynet-400x100-features--bmn--r0: exactly what runs, generated (every spec value shell-quoted).
# framework bmn from https://github.com/JJBOY/BMN-Boundary-Matching-Network.git @ 45d05146822b85ca672b65f3d030509583d0135a
# usage: bash command.sh STAGE        (STAGE: main)
#        bash command.sh --envinfo FILE  (record the environment the stages see)
set -eo pipefail
test -d /checkouts/worktrees/bmn-45d05146822b
cd -- /checkouts/worktrees/bmn-45d05146822b
vidbench_setup() {   # sourced after the stage's variables are exported
  # environment: recipe bmn-45d0514 (envs/recipes/bmn-45d0514.yaml, hash 0123456789ab), unless VIDBENCH_ACTIVATE or VIDBENCH_CONDA_ENV names your own
  export VIDBENCH_ENV_RECIPE=bmn-45d0514 VIDBENCH_ENV_HASH=0123456789ab
  export VIDBENCH_ENV_PATH=/envs/bmn-45d0514-0123456789ab
  # setup: envs/bmn.sh (replace it per cluster)
  source /opt/vidbench/envs/bmn.sh
}
case "${1:-}" in
  --envinfo)
    vidbench_setup
    py=$(command -v python || command -v python3)
    exec "$py" /opt/vidbench/orchestrator/job/envinfo.py --out "$2" ;;
  main)
    vidbench_setup
    exec python main.py --mode train --train_epochs 1 --batch_size 16 --video_info data/activitynet_annotations/video_info_new.csv --video_anno data/activitynet_annotations/anet_anno_action.json --feature_path /data/activitynet/csv_mean_100/ --checkpoint_path checkpoint ;;
  *)
    echo "command.sh: unknown stage '${1:-}' (stages: main)" >&2
    exit 2 ;;
esac
