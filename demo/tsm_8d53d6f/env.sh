# Temporal-Shift-Module at 8d53d6f for the demo (jobs/demo.yaml `environment.setup`): the
# framework's real setup (envs/tsm.sh: the recipe's environment, no .pyc in the checkout), with
# TSM's hard-coded data root pointed at the demo dataset's TSM layout (demo/data_tsm.py) through
# VIDBENCH_TSM_ROOT_DATASET, which CPU compatibility mode applies
# (orchestrator/probe/inject/_vidbench_compat_tsm.py): nothing is linked or mounted.
# Overrides: VIDBENCH_DEMO_DATA=/path (the dataset, default <vidbench>/data/demo).
_vb_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_vb_data="${VIDBENCH_DEMO_DATA:-$_vb_root/data/demo}"
if [ ! -f "$_vb_data/dataset.json" ] || [ ! -f "$_vb_data/tsm/kinetics/labels/train_videofolder.txt" ]; then
  echo "vidbench demo: no complete dataset in $_vb_data: run 'make demo-data' in $_vb_root" >&2
  return 1
fi
export VIDBENCH_TSM_ROOT_DATASET="$_vb_data/tsm"
. "$_vb_root/envs/tsm.sh"
