# Shared by demo/<framework>/env.sh, the setup scripts of jobs/demo.yaml. Sourced (bash) by the
# job's command.sh in the job's working dir, before the training command.
# Overrides: VIDBENCH_DEMO_DATA=/path (the dataset, default <vidbench>/data/demo).
VIDBENCH_DEMO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# vidbench_demo_env VENV CONFIGS TOOLS: VENV/bin first on PATH; links configs, tools, data/demo
vidbench_demo_env() {
  local venv=$1 configs=$2 tools=$3
  local data=${VIDBENCH_DEMO_DATA:-$VIDBENCH_DEMO_ROOT/data/demo}
  if [ ! -x "$venv/bin/python" ]; then
    echo "vidbench demo: $venv/bin/python is missing: run 'make venv venv-mmaction050' in $VIDBENCH_DEMO_ROOT" >&2
    return 1
  fi
  if [ ! -f "$data/dataset.json" ]; then
    echo "vidbench demo: no dataset in $data: run 'make demo-data' in $VIDBENCH_DEMO_ROOT" >&2
    return 1
  fi
  export PATH="$venv/bin:$PATH"
  mkdir -p data && ln -sfn "$data" data/demo && ln -sfn "$configs" configs && ln -sfn "$tools" tools
}

# vidbench_demo_data [FILE]: sets VIDBENCH_DEMO_DATA_DIR; fails, saying what to run, unless the
# dataset is complete (and has FILE, relative to it: a framework's own layout)
vidbench_demo_data() {
  VIDBENCH_DEMO_DATA_DIR=${VIDBENCH_DEMO_DATA:-$VIDBENCH_DEMO_ROOT/data/demo}
  if [ ! -f "$VIDBENCH_DEMO_DATA_DIR/dataset.json" ] || { [ -n "${1:-}" ] && [ ! -e "$VIDBENCH_DEMO_DATA_DIR/$1" ]; }; then
    echo "vidbench demo: no complete dataset in $VIDBENCH_DEMO_DATA_DIR: run 'make demo-data' in $VIDBENCH_DEMO_ROOT" >&2
    return 1
  fi
}

# vidbench_link_once NAME TARGET: NAME -> TARGET unless it already is (jobs sharing a checkout
# run this at once: an existing right link is left alone)
vidbench_link_once() {
  [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ] && return 0
  ln -sfn "$2" "$1"
}

# vidbench_demo_checkout_links CONFIGS: in a pinned checkout (the working dir), data/demo -> the
# dataset and vidbench_demo_configs -> CONFIGS (both the job's declared `outputs`)
vidbench_demo_checkout_links() {
  vidbench_demo_data || return 1
  mkdir -p data && vidbench_link_once data/demo "$VIDBENCH_DEMO_DATA_DIR" \
    && vidbench_link_once vidbench_demo_configs "$1"
}
