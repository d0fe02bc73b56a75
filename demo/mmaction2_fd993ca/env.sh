# MMAction2 at fd993ca for the demo (jobs/demo.yaml `environment.setup`): the framework's real
# setup (envs/mmaction2.sh: the recipe's environment, the checkout on PYTHONPATH), plus the demo's
# dataset as data/demo and its configs as vidbench_demo/ linked into the checkout (untracked
# links, listed in the spec's `outputs`; the tracked tree stays as pinned).
# The configs inherit the pinned ones through `_base_ = ['../configs/recognition/...']`: mmcv
# resolves `_base_` from the config's path as given (vidbench_demo/, inside the checkout).
# Overrides: VIDBENCH_DEMO_DATA=/path (the dataset, default <vidbench>/data/demo).
_vb_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export VIDBENCH_DATA_LINK=data/demo VIDBENCH_DATA="${VIDBENCH_DEMO_DATA:-$_vb_root/data/demo}"
if [ ! -f "$VIDBENCH_DATA/dataset.json" ]; then
  echo "vidbench demo: no dataset in $VIDBENCH_DATA: run 'make demo-data' in $_vb_root" >&2
  return 1
fi
. "$_vb_root/envs/mmaction2.sh"
ln -sfn "$_vb_root/demo/mmaction2_fd993ca/configs" vidbench_demo
