# Shared by envs/<framework>.sh: sourced (bash) in the job's working directory, before each
# stage's command, with the stage's `env:` exported. Never run by the test suite.
# Per-cluster overrides, without editing these files:
#   VIDBENCH_MODULES="cuda/10.1 gcc/7"  modules to `module load` first
#   VIDBENCH_CONDA_ENV=name             a conda environment to activate (else the current python)
#   VIDBENCH_ACTIVATE=/path/activate    any script to source instead (a venv, a container hook)
vidbench_env() {
  if [ -n "${VIDBENCH_MODULES:-}" ] && command -v module >/dev/null 2>&1; then
    module load ${VIDBENCH_MODULES}
  fi
  if [ -n "${VIDBENCH_ACTIVATE:-}" ]; then
    . "${VIDBENCH_ACTIVATE}"
  elif [ -n "${VIDBENCH_CONDA_ENV:-}" ]; then
    eval "$(conda shell.bash hook)" && conda activate "${VIDBENCH_CONDA_ENV}"
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
