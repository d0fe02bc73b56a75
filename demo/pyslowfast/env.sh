# PySlowFast 8299c98 in the demo (jobs/demo-pyslowfast.yaml `environment.setup`): sourced by the
# job's command.sh in the pinned checkout, before tools/run_net.py.
# - the environment: the one the user names (VIDBENCH_ACTIVATE / VIDBENCH_CONDA_ENV, see
#   envs/_common.sh), else the built recipe envs/recipes/pyslowfast-8299c98.yaml
#   (`python -m orchestrator env build pyslowfast-8299c98`);
# - the checkout on PYTHONPATH (envs/pyslowfast.sh; no `setup.py build develop`);
# - the dataset (VIDBENCH_DEMO_DATA, default <vidbench>/data/demo) linked as
#   work_dirs/<job>/data, which the command names (DATA.PATH_PREFIX, DATA.PATH_TO_DATA_DIR):
#   work_dirs is the job's declared output folder, so the checkout stays clean.
. "$(dirname "${BASH_SOURCE[0]}")/../env_common.sh"
if [ -z "${VIDBENCH_ACTIVATE:-}${VIDBENCH_CONDA_ENV:-}" ]; then
  _vb_env=$(cd "$VIDBENCH_DEMO_ROOT" && "${VIDBENCH_DEMO_VENV:-$VIDBENCH_DEMO_ROOT/.venv}/bin/python" \
    -m orchestrator env path pyslowfast-8299c98) || return 1
  export VIDBENCH_ACTIVATE="$_vb_env/bin/activate"
fi
. "$VIDBENCH_DEMO_ROOT/envs/pyslowfast.sh"
_vb_data=${VIDBENCH_DEMO_DATA:-$VIDBENCH_DEMO_ROOT/data/demo}
if [ ! -f "$_vb_data/pyslowfast/train.csv" ]; then
  echo "vidbench demo: no PySlowFast lists in $_vb_data/pyslowfast: run 'make demo-data' in $VIDBENCH_DEMO_ROOT" >&2
  return 1
fi
mkdir -p "work_dirs/${VIDBENCH_JOB:?set by the job runner}" && ln -sfn "$_vb_data" "work_dirs/$VIDBENCH_JOB/data"
