#!/usr/bin/env bash
# vidbench job localization--bsn--activitynet-400x100-features--bsn--r0: exactly what runs, generated (every spec value shell-quoted).
# framework bsn from https://github.com/wzmsltw/BSN-boundary-sensitive-network.git @ f13707fbc362486e93178c39f9c4d398afe2cb2f
# usage: bash command.sh STAGE        (STAGE: TEM | PEM)
#        bash command.sh --envinfo FILE  (record the environment the stages see)
set -eo pipefail
test -d /checkouts/worktrees/bsn-f13707fbc362
cd -- /checkouts/worktrees/bsn-f13707fbc362
vidbench_setup() {   # sourced after the stage's variables are exported
  # environment: recipe bsn-f13707f (envs/recipes/bsn-f13707f.yaml, hash 0123456789ab), unless VIDBENCH_ACTIVATE or VIDBENCH_CONDA_ENV names your own
  export VIDBENCH_ENV_RECIPE=bsn-f13707f VIDBENCH_ENV_HASH=0123456789ab
  export VIDBENCH_ENV_PATH=/envs/bsn-f13707f-0123456789ab
  # setup: envs/bsn.sh (replace it per cluster)
  source /opt/vidbench/envs/bsn.sh
}
case "${1:-}" in
  --envinfo)
    vidbench_setup
    py=$(command -v python || command -v python3)
    exec "$py" /opt/vidbench/orchestrator/job/envinfo.py --out "$2" ;;
  TEM)
    export VIDBENCH_DATA=/data/activitynet/csv_mean_100
    export VIDBENCH_STAGE=TEM
    vidbench_setup
    exec python TEM_train.py ;;
  PEM)
    export VIDBENCH_DATA=/data/activitynet/csv_mean_100
    export VIDBENCH_STAGE=PEM
    vidbench_setup
    exec python PEM_train.py ;;
  *)
    echo "command.sh: unknown stage '${1:-}' (stages: TEM PEM)" >&2
    exit 2 ;;
esac
