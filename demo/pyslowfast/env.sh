# PySlowFast at 8299c98 for the demo (jobs/demo.yaml `environment.setup`): the framework's real
# setup (envs/pyslowfast.sh: the recipe's environment, the checkout on PYTHONPATH), plus the
# demo's dataset linked as data/demo into the checkout (an untracked link listed in the spec's
# `outputs`; the tracked tree stays as pinned). The command names data/demo/pyslowfast
# (train.csv, val.csv: demo/data_pyslowfast.py) and data/demo as DATA.PATH_PREFIX.
# Overrides: VIDBENCH_DEMO_DATA=/path (the dataset, default <vidbench>/data/demo).
_vb_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_vb_data="${VIDBENCH_DEMO_DATA:-$_vb_root/data/demo}"
if [ ! -f "$_vb_data/dataset.json" ] || [ ! -f "$_vb_data/pyslowfast/train.csv" ]; then
  echo "vidbench demo: no PySlowFast lists in $_vb_data/pyslowfast: run 'make demo-data' in $_vb_root" >&2
  return 1
fi
. "$_vb_root/envs/pyslowfast.sh"
mkdir -p data && ln -sfn "$_vb_data" data/demo
