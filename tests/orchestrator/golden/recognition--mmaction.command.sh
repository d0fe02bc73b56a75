#!/usr/bin/env bash
# vidbench job recognition--tsn--256p-rawframes--mmaction--r0: exactly what runs, generated (every spec value shell-quoted).
# framework mmaction from https://github.com/open-mmlab/mmaction.git @ 7f3490d3db6a67fe7b87bfef238b757403b670e3
# usage: bash command.sh STAGE        (STAGE: main)
#        bash command.sh --envinfo FILE  (record the environment the stages see)
set -eo pipefail
test -d /checkouts/worktrees/mmaction-7f3490d3db6a
cd -- /checkouts/worktrees/mmaction-7f3490d3db6a
vidbench_setup() {   # sourced after the stage's variables are exported
  # environment: recipe mmaction-7f3490d (envs/recipes/mmaction-7f3490d.yaml, hash 0123456789ab), unless VIDBENCH_ACTIVATE or VIDBENCH_CONDA_ENV names your own
  export VIDBENCH_ENV_RECIPE=mmaction-7f3490d VIDBENCH_ENV_HASH=0123456789ab
  export VIDBENCH_ENV_PATH=/envs/mmaction-7f3490d-0123456789ab
  # setup: envs/mmaction.sh (replace it per cluster)
  source /opt/vidbench/envs/mmaction.sh
}
case "${1:-}" in
  --envinfo)
    vidbench_setup
    py=$(command -v python || command -v python3)
    exec "$py" /opt/vidbench/orchestrator/job/envinfo.py --out "$2" ;;
  main)
    export VIDBENCH_DATA_LINK=data/kinetics400
    export VIDBENCH_DATA=/data/kinetics400_rawframes
    vidbench_setup
    exec python -u tools/train_recognizer.py configs/TSN/tsn_kinetics400_2d_rgb_r50_seg3_f1s1.py --gpus 8 --work_dir work_dirs/recognition--tsn--256p-rawframes--mmaction--r0 ;;
  *)
    echo "command.sh: unknown stage '${1:-}' (stages: main)" >&2
    exit 2 ;;
esac
