# Shared by envs/<framework>.sh: sourced (bash) in the job's working directory, before each
# stage's command, with the stage's `env:` exported. Never run by the test suite.
# vidbench_env activates exactly one environment, the first of:
#   VIDBENCH_ACTIVATE=/path/activate    any script to source (your venv, a container hook)
#   VIDBENCH_CONDA_ENV=name             a conda environment of yours
#   VIDBENCH_ENV_PATH (set by command.sh) the recipe's environment vidbench built
#                                       (envs/recipes/<VIDBENCH_ENV_RECIPE>.yaml)
# and first loads VIDBENCH_MODULES="cuda/10.1 gcc/7" (modules to `module load`) where set.
# An override makes the manifest's environment.recipe null: the recipe did not run.
vidbench_env() {
  if [ -n "${VIDBENCH_MODULES:-}" ] && command -v module >/dev/null 2>&1; then
    module load ${VIDBENCH_MODULES}
  fi
  if [ -n "${VIDBENCH_ACTIVATE:-}" ]; then
    unset VIDBENCH_ENV_RECIPE VIDBENCH_ENV_HASH VIDBENCH_ENV_PATH
    . "${VIDBENCH_ACTIVATE}"
  elif [ -n "${VIDBENCH_CONDA_ENV:-}" ]; then
    unset VIDBENCH_ENV_RECIPE VIDBENCH_ENV_HASH VIDBENCH_ENV_PATH
    eval "$(conda shell.bash hook)" && conda activate "${VIDBENCH_CONDA_ENV}"
  elif [ -n "${VIDBENCH_ENV_PATH:-}" ]; then
    if [ ! -f "${VIDBENCH_ENV_PATH}/vidbench-env.json" ]; then
      echo "vidbench: environment ${VIDBENCH_ENV_RECIPE:-?} is not built at ${VIDBENCH_ENV_PATH}; run: python -m orchestrator env build ${VIDBENCH_ENV_RECIPE:-}" >&2
      return 1
    fi
    . "${VIDBENCH_ENV_PATH}/bin/activate"
  fi
}
# vidbench_link NAME TARGET: NAME (inside the working dir) -> TARGET, for hard-coded data paths
vidbench_link() {
  if [ ! -e "$2" ]; then
    echo "vidbench: data folder $2 does not exist (set it with --set or export; see jobs/*.yaml variables)" >&2
    return 1
  fi
  mkdir -p "$(dirname "$1")" && ln -sfn "$2" "$1"
}
