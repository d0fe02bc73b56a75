# MMAction (v1) at 7f3490d for the demo (jobs/demo.yaml `environment.setup`): the framework's real
# setup (envs/mmaction.sh: the recipe's environment, the checkout on PYTHONPATH), plus the demo's
# dataset as data/demo and its configs as vidbench_demo/ linked into the checkout (untracked
# links, listed in the spec's `outputs`; the tracked tree stays as pinned). The demo runs in CPU
# compatibility mode, which supplies mmaction/version.py and placeholders for the compiled ops
# (orchestrator/probe/inject/_vidbench_compat_mmaction.py).
# Overrides: VIDBENCH_DEMO_DATA=/path (the dataset, default <vidbench>/data/demo).
_vb_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export VIDBENCH_DATA_LINK=data/demo VIDBENCH_DATA="${VIDBENCH_DEMO_DATA:-$_vb_root/data/demo}"
if [ ! -f "$VIDBENCH_DATA/dataset.json" ] || [ ! -f "$VIDBENCH_DATA/mmaction/train_rawframes.txt" ]; then
  echo "vidbench demo: no complete dataset in $VIDBENCH_DATA: run 'make demo-data' in $_vb_root" >&2
  return 1
fi
. "$_vb_root/envs/mmaction.sh"
ln -sfn "$_vb_root/demo/mmaction_7f3490d/configs" vidbench_demo
