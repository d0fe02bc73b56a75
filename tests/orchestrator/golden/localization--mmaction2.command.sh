#!/usr/bin/env bash
# vidbench job localization--bsn--activitynet-400x100-features--mmaction2--r0: exactly what runs, generated (every spec value shell-quoted).
# framework mmaction2 from https://github.com/open-mmlab/mmaction2.git @ fd993ca078d0cb15570d508a03374b9f48ae0155
# usage: bash command.sh STAGE        (STAGE: TEM | PEM)
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
  TEM)
    export VIDBENCH_DATA_LINK=data/ActivityNet
    export VIDBENCH_DATA=/data/activitynet
    export VIDBENCH_STAGE=TEM
    vidbench_setup
    exec srun --kill-on-bad-exit=1 --nodes=1 --ntasks=1 --ntasks-per-node=1 python -u tools/train.py configs/localization/bsn/bsn_tem_400x100_1x16_20e_activitynet_feature.py --work-dir work_dirs/localization--bsn--activitynet-400x100-features--mmaction2--r0/tem --launcher slurm ;;
  PEM)
    export VIDBENCH_DATA_LINK=data/ActivityNet
    export VIDBENCH_DATA=/data/activitynet
    export VIDBENCH_STAGE=PEM
    vidbench_setup
    exec srun --kill-on-bad-exit=1 --nodes=1 --ntasks=1 --ntasks-per-node=1 python -u tools/train.py configs/localization/bsn/bsn_pem_400x100_1x16_20e_activitynet_feature.py --work-dir work_dirs/localization--bsn--activitynet-400x100-features--mmaction2--r0/pem --launcher slurm ;;
  *)
    echo "command.sh: unknown stage '${1:-}' (stages: TEM PEM)" >&2
    exit 2 ;;
esac
