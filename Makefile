# vidbench: `make demo` (the benchmark end to end on this machine) and `make test` (the suite).
# Every target makes the project's own virtual environment first (.venv, git-ignored: a link to
# the one cached in ~/.cache/vidbench/venvs for these requirements, built once).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The project's environment is cached outside the clone, one per distinct requirements set
# (envs/project_venv.py): .venv links to it. VENV_CACHE= builds it inside the clone instead.
VENV_CACHE ?= $(HOME)/.cache/vidbench/venvs
PARTITION ?= gpu
JOBS ?= jobs/recognition.yaml jobs/localization.yaml
ONLY ?=
SHARED ?= ../shared
# A value given to make (ONLY, SWEEP_ARGS, PARTITION, ...) reaches a recipe only through these,
# never as recipe text: `$(call shq,$(value X))` is X single-quoted for the shell, and
# `$(value X)` keeps make from expanding a `$(shell ...)` inside it; `shwords` quotes each
# whitespace-separated word (SWEEP_ARGS: one word per argument, no shell quoting inside).
shq = '$(subst ','\'',$(1))'
shwords = $(foreach w,$(1),$(call shq,$(w)))

.PHONY: help venv parsers-ext test demo sweep bench check-reference clean
help:  ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

venv:  ## make .venv with everything vidbench needs (torch==2.13.0, CPU build): a link to the one cached for these requirements
	@$(PYTHON) envs/project_venv.py $(call shq,$(VENV)) $(call shq,$(VENV_CACHE))
	@$(MAKE) --no-print-directory build/.colscan-built

# The parsers' optional C fast path (parsers/fastpath.py), built in place; without a compiler the
# parsers still work (same figures, slower), so a failed build only warns. Rebuilt when the
# environment behind .venv changes (its marker is newer).
parsers-ext: venv  ## compile the parsers' C fast path in place (parsers/_colscan*.so)
build/.colscan-built: parsers/_colscan.c setup.py $(VENV)/.vidbench-complete
	@mkdir -p build
	$(PY) setup.py -q build_ext --inplace >/dev/null 2>build/colscan-build.log \
		&& touch $@ \
		|| echo "warning: the parsers' C fast path did not build (see build/colscan-build.log); parsing works, slower" >&2

test: venv  ## the whole suite, with a real one-node Slurm where this machine allows it
	@# CI must have Slurm (its tests must run there); elsewhere the Slurm tests skip, saying why.
	bash ci/slurm/up.sh >/dev/null || { [ "$$CI" != true ] && echo "make test: one-node Slurm could not start; Slurm tests will skip" >&2; }
	$(PY) -m pytest -q --durations=15 tests

check-reference: venv  ## parse every real log in ../shared/reference/logs against expected.json
	$(PY) -m parsers.check_reference $(call shq,$(value SHARED)/reference/logs)

sweep: venv  ## launch the benchmark: make sweep PARTITION=gpu [JOBS=...] [ONLY=...] [DRY_RUN=1]
	$(PY) -m orchestrator sweep $(call shwords,$(value JOBS)) --partition $(call shq,$(value PARTITION)) \
		$(if $(value ONLY),--only $(call shq,$(value ONLY))) $(if $(value DRY_RUN),--dry-run) \
		$(call shwords,$(value SWEEP_ARGS))

bench: venv  ## speed and memory targets, as ratios against baselines measured in the same run
	$(PY) -m bench

clean:  ## remove caches (never results/)
	rm -rf .pytest_cache .hypothesis bench/out
	find . -name __pycache__ -prune -exec rm -rf {} +

-include mk/*.mk

# make exports a command-line variable to every recipe's environment, expanding it first (so a
# `$(shell ...)` in it would run): these are passed as arguments only, never exported. After
# the includes: `unexport X` defines an undefined X (empty), so a later `X ?= default` in
# mk/*.mk would never take (it once left DEMO_DATA empty, and `make demo` handed '' as the
# dataset folder to demo.data).
unexport ONLY SWEEP_ARGS JOBS PARTITION DRY_RUN SHARED SWEEP CSV FORMAT REPORT_LANG OUT \
	DEMO_SET EXECUTOR DEMO_PARALLEL DEMO_DATA DEMO_FULL
