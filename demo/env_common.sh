# Shared by demo/<framework>/env.sh, the setup scripts of jobs/demo.yaml. Sourced (bash) by the
# job's command.sh in the job's working dir, before the training command.
# Overrides: VIDBENCH_DEMO_DATA=/path (the dataset, default <vidbench>/data/demo).
VIDBENCH_DEMO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# vidbench_demo_env VENV CONFIGS TOOLS: VENV/bin first on PATH; links configs, tools, data/demo
vidbench_demo_env() {
  local venv=$1 configs=$2 tools=$3
  local data=${VIDBENCH_DEMO_DATA:-$VIDBENCH_DEMO_ROOT/data/demo}
  if [ ! -x "$venv/bin/python" ]; then
    echo "vidbench demo: $venv/bin/python is missing: run 'make venv' in $VIDBENCH_DEMO_ROOT" >&2
    return 1
  fi
  if [ ! -f "$data/dataset.json" ]; then
    echo "vidbench demo: no dataset in $data: run 'make demo-data' in $VIDBENCH_DEMO_ROOT" >&2
    return 1
  fi
  export PATH="$venv/bin:$PATH"
  mkdir -p data && ln -sfn "$data" data/demo && ln -sfn "$configs" configs && ln -sfn "$tools" tools
}
