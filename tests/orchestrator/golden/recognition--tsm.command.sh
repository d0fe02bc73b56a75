#!/usr/bin/env bash
# vidbench job recognition--tsn--256p-rawframes--tsm--r0: exactly what runs, generated (every spec value shell-quoted).
# framework tsm from https://github.com/mit-han-lab/temporal-shift-module.git @ 8d53d6fda40bea2f1b37a6095279c4b454d672bd
# usage: bash command.sh STAGE        (STAGE: main)
#        bash command.sh --envinfo FILE  (record the environment the stages see)
set -eo pipefail
test -d /checkouts/worktrees/tsm-8d53d6fda40b
cd -- /checkouts/worktrees/tsm-8d53d6fda40b
vidbench_setup() {   # sourced after the stage's variables are exported
  # environment: recipe tsm-8d53d6f (envs/recipes/tsm-8d53d6f.yaml, hash 0123456789ab), unless VIDBENCH_ACTIVATE or VIDBENCH_CONDA_ENV names your own
  export VIDBENCH_ENV_RECIPE=tsm-8d53d6f VIDBENCH_ENV_HASH=0123456789ab
  export VIDBENCH_ENV_PATH=/envs/tsm-8d53d6f-0123456789ab
  # setup: envs/tsm.sh (replace it per cluster)
  source /opt/vidbench/envs/tsm.sh
}
case "${1:-}" in
  --envinfo)
    vidbench_setup
    py=$(command -v python || command -v python3)
    exec "$py" /opt/vidbench/orchestrator/job/envinfo.py --out "$2" ;;
  main)
    export VIDBENCH_TSM_WORK_DIR=work_dirs/recognition--tsn--256p-rawframes--tsm--r0
    vidbench_setup
    exec python main.py kinetics RGB --arch resnet50 --num_segments 3 --gd 20 --lr 0.02 --wd 1e-4 --lr_steps 20 40 --epochs 1 --batch-size 256 -j 32 --dropout 0.5 --consensus_type=avg --eval-freq=10 --npb --print-freq 1 --root_log work_dirs/recognition--tsn--256p-rawframes--tsm--r0/log --root_model work_dirs/recognition--tsn--256p-rawframes--tsm--r0/checkpoint ;;
  *)
    echo "command.sh: unknown stage '${1:-}' (stages: main)" >&2
    exit 2 ;;
esac
