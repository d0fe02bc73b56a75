# Temporal-Shift-Module at 8d53d6f in the demo (jobs/demo.yaml `environment.setup`), sourced by the
# job's command.sh in the pinned checkout, after its environment (recipe tsm-8d53d6f) is active.
# TSM hard-codes its data root (ops/dataset_config.py:8, '/ssd/video/'): CPU compatibility mode
# points it at the demo dataset's TSM layout (demo/data_tsm.py) through
# VIDBENCH_TSM_ROOT_DATASET (orchestrator/probe/inject/_vidbench_compat_tsm.py), so nothing is
# linked or mounted. The checkout has no .gitignore: no .pyc files may be written into it.
# Overrides: VIDBENCH_DEMO_DATA=/path (the dataset, default <vidbench>/data/demo).
. "$(dirname "${BASH_SOURCE[0]}")/../env_common.sh"
vidbench_demo_data tsm/kinetics/labels/train_videofolder.txt || return 1
export VIDBENCH_TSM_ROOT_DATASET="$VIDBENCH_DEMO_DATA_DIR/tsm"
export PYTHONDONTWRITEBYTECODE=1
