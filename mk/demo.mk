# `make demo`: the benchmark end to end on this machine (real CPU trainings of the page's
# frameworks at their pinned commits, in the environments their recipes declare — both of the
# page's tables in miniature — through the orchestrator, collect and report; DEMO_FULL=1 adds
# MMAction2 1.2.0 "then and now"); see demo/, jobs/demo*.yaml.
# The sweep builds the environments it needs first (progress on stderr; envs/recipes).
#   make demo                                # local executor, results/demo/<UTC time>/
#   make demo EXECUTOR=slurm PARTITION=debug # through the one-node Slurm (ci/slurm/up.sh)
#   make demo DEMO_SET="DEMO_EPOCHS=3"       # the demo specs' variables (space-separated)
#   make demo DEMO_FULL=1                    # also MMAction2 then and now (jobs/demo-now.yaml)
#   make demo DEMO_PARALLEL=1                # one training at a time (default 2: one per core)
#   make demo-logs                           # regenerate the sample logs in tests/demo_logs/
.PHONY: demo demo-data demo-logs

EXECUTOR ?= local
DEMO_SET ?=
DEMO_PARALLEL ?= 2
DEMO_DATA ?= data/demo
DEMO_FULL ?=

demo-data: venv  ## the demo's synthetic dataset (data/demo, git-ignored; deterministic)
	$(PY) -m demo.data $(call shq,$(value DEMO_DATA))

demo: venv demo-data  ## real trainings at the pinned commits -> sweep -> collect -> tables + HTML report
	$(PY) -m demo.run --executor $(call shq,$(value EXECUTOR)) --partition $(call shq,$(value PARTITION)) \
		--parallel $(call shq,$(value DEMO_PARALLEL)) $(if $(value DEMO_FULL),--full) $(foreach s,$(value DEMO_SET),--set $(call shq,$(s)))

demo-logs: venv demo-data  ## regenerate tests/demo_logs and tests/framework_logs from real demo trainings
	$(PY) -m demo.sample_logs tests
