# The frameworks' era environments (envs/recipes/<name>.yaml, orchestrator/envs/), built once per
# recipe hash under $VIDBENCH_ENV_DIR (default ~/.cache/vidbench/envs) and shared by every sweep.
#   make envs                      # build every recipe (progress on stderr); built ones are kept
#   make envs ENVS=mmaction2-fd993ca
#   make golden                    # regenerate tests/orchestrator/golden (rendered command.sh)
.PHONY: envs env-list golden
ENVS ?=

envs: venv  ## build the frameworks' environments (envs/recipes; ENVS=name... for some)
	$(PY) -m orchestrator env build $(ENVS)

env-list: venv  ## the environments: recipe hash, interpreter, size, when built
	$(PY) -m orchestrator env list

golden: venv  ## regenerate the golden command.sh files of tests/orchestrator/golden
	VIDBENCH_REGEN_GOLDEN=1 $(PY) -m pytest -q tests/orchestrator/test_command_sh.py

# the suite trains every framework at its pin (tests/frameworks): their environments first
test: envs
