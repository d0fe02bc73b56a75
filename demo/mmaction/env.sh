# MMAction (v1) at 7f3490d in the demo (jobs/demo.yaml `environment.setup`), sourced by the job's
# command.sh in the pinned checkout, after its environment (recipe mmaction-7f3490d) is active.
# The checkout goes on PYTHONPATH instead of `setup.py develop` (which writes into it); CPU
# compatibility mode supplies the git-ignored mmaction/version.py and placeholders for the ops
# ./compile.sh would build (orchestrator/probe/inject/_vidbench_compat_mmaction.py). Links, both
# declared as the job's `outputs`: data/demo (the configs read it relative to the working dir)
# and vidbench_demo_configs (demo/mmaction/configs: tiny configs outside the checkout).
# Overrides: VIDBENCH_DEMO_DATA=/path (the dataset, default <vidbench>/data/demo).
. "$(dirname "${BASH_SOURCE[0]}")/../env_common.sh"
vidbench_demo_checkout_links "$VIDBENCH_DEMO_ROOT/demo/mmaction/configs" || return 1
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$PWD"
