#!/usr/bin/env bash
# vidbench job recognition--tsn--256p-rawframes--mmaction2--r0: exactly what runs, generated (every spec value shell-quoted).
# framework mmaction2 from https://github.com/open-mmlab/mmaction2.git @ fd993ca078d0cb15570d508a03374b9f48ae0155
# usage: bash command.sh STAGE        (STAGE: main)
#        bash command.sh --envinfo FILE  (record the environment the stages see)
set -eo pipefail
test -d /checkouts/worktrees/mmaction2-fd993ca078d0
cd -- /checkouts/worktrees/mmaction2-fd993ca078d0
vidbench_setup() {   # sourced after the stage's variables are exported
  # environment: recipe mmaction2-fd993ca (envs/recipes/mmaction2-fd993ca.yaml, hash 0123456789ab), unless VIDBENCH_ACTIVATE or VIDBENCH_CONDA_ENV names your own
  export VIDBENCH_ENV_RECIPE=mmaction2-fd993ca VIDBENCH_ENV_HASH=0123456789ab
  export VIDBENCH_ENV_PATH=/envs/mmaction2-fd993ca-0123456789ab
  # setup: envs/mmaction2.sh (replace it per cluster)
  source /opt/vidbench/envs/mmaction2.sh
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
    exec srun --kill-on-bad-exit=1 --nodes=1 --ntasks=8 --ntasks-per-node=8 python -u tools/train.py configs/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.py --work-dir work_dirs/recognition--tsn--256p-rawframes--mmaction2--r0 --launcher slurm ;;
  *)
    echo "command.sh: unknown stage '${1:-}' (stages: main)" >&2
    exit 2 ;;
esac
