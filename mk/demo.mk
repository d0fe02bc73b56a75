# `make demo`: the benchmark end to end on this machine (real CPU trainings of the page's
# frameworks at their pinned commits, in the environments their recipes declare, plus MMAction2
# 1.2.0 "then and now", through the orchestrator, collect and report); see demo/, jobs/demo*.yaml.
# The sweep builds the environments it needs first (progress on stderr; envs/recipes).
#   make demo                                # local executor, results/demo/<UTC time>/
#   make demo EXECUTOR=slurm PARTITION=debug # through the one-node Slurm (ci/slurm/up.sh)
#   make demo DEMO_SET="DEMO_ITERS=200"      # jobs/demo.yaml variables (space-separated)
#   make demo DEMO_PARALLEL=1                # one training at a time (default 2: one per core)
#   make demo-logs                           # regenerate the sample logs in tests/demo_logs/
.PHONY: demo demo-data demo-logs

EXECUTOR ?= local
DEMO_SET ?=
DEMO_PARALLEL ?= 2
DEMO_DATA ?= data/demo

demo-data: venv  ## the demo's synthetic dataset (data/demo, git-ignored; deterministic)
	$(PY) -m demo.data $(DEMO_DATA)

demo: venv demo-data  ## real trainings at the pinned commits -> sweep -> collect -> tables + HTML report
	$(PY) -m demo.run --executor $(EXECUTOR) --partition $(PARTITION) --parallel $(DEMO_PARALLEL) \
		$(foreach s,$(DEMO_SET),--set $(s))

demo-logs: venv demo-data  ## regenerate tests/demo_logs and tests/framework_logs from real demo trainings
	$(PY) -m demo.sample_logs tests
