#!/usr/bin/env bash
# vidbench job recognition--tsn--256p-videos--pyslowfast--r0: exactly what runs, generated (every spec value shell-quoted).
# framework pyslowfast from https://github.com/facebookresearch/SlowFast.git @ 8299c9862f83a067fa7114ce98120ae1568a83ec
# usage: bash command.sh STAGE        (STAGE: main)
#        bash command.sh --envinfo FILE  (record the environment the stages see)
set -eo pipefail
test -d /checkouts/worktrees/pyslowfast-8299c9862f83
cd -- /checkouts/worktrees/pyslowfast-8299c9862f83
vidbench_setup() {   # sourced after the stage's variables are exported
  # environment: recipe pyslowfast-8299c98 (envs/recipes/pyslowfast-8299c98.yaml, hash 0123456789ab), unless VIDBENCH_ACTIVATE or VIDBENCH_CONDA_ENV names your own
  export VIDBENCH_ENV_RECIPE=pyslowfast-8299c98 VIDBENCH_ENV_HASH=0123456789ab
  export VIDBENCH_ENV_PATH=/envs/pyslowfast-8299c98-0123456789ab
  # setup: envs/pyslowfast.sh (replace it per cluster)
  source /opt/vidbench/envs/pyslowfast.sh
}
case "${1:-}" in
  --envinfo)
    vidbench_setup
    py=$(command -v python || command -v python3)
    exec "$py" /opt/vidbench/orchestrator/job/envinfo.py --out "$2" ;;
  main)
    vidbench_setup
    exec python tools/run_net.py --cfg configs/Kinetics/C2D_8x8_R50.yaml DATA.PATH_TO_DATA_DIR /data/kinetics400_videos/pyslowfast NUM_GPUS 8 TRAIN.BATCH_SIZE 256 TRAIN.AUTO_RESUME False LOG_PERIOD 1 SOLVER.MAX_EPOCH 1 OUTPUT_DIR work_dirs/recognition--tsn--256p-videos--pyslowfast--r0 ;;
  *)
    echo "command.sh: unknown stage '${1:-}' (stages: main)" >&2
    exit 2 ;;
esac
