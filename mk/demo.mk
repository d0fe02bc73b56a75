# `make demo`: the benchmark end to end on this machine (real CPU trainings of MMAction2 1.2.0
# and 0.5.0 through the orchestrator, collect and report); see demo/ and jobs/demo.yaml.
#   make demo                                # local executor, results/demo/<UTC time>/
#   make demo EXECUTOR=slurm PARTITION=debug # through the one-node Slurm (ci/slurm/up.sh)
#   make demo DEMO_SET="DEMO_ITERS=200"      # jobs/demo.yaml variables (space-separated)
#   make demo DEMO_PARALLEL=1                # one training at a time (default 2: one per core)
#   make demo-logs                           # regenerate the sample logs in tests/demo_logs/
.PHONY: demo demo-data venv-mmaction050 demo-logs

EXECUTOR ?= local
DEMO_SET ?=
DEMO_PARALLEL ?= 2
DEMO_DATA ?= data/demo
VENV050 ?= .venv-mmaction050
PY050 := $(VENV050)/bin/python
STAMP050 := $(VENV050)/.vidbench-installed
PIP050 := $(PY050) -m pip install -q --disable-pip-version-check

venv-mmaction050: $(STAMP050)  ## the MMAction2 0.5.0 environment of the demo (mmcv 1.3.9 without ops)
$(STAMP050): demo/mmaction050/requirements.txt
	test -x $(PY050) || $(PYTHON) -m venv $(VENV050)
	$(PIP050) torch==2.13.0
	$(PIP050) setuptools==69.5.1 wheel==0.48.0
	MMCV_WITH_OPS=0 $(PIP050) --no-build-isolation mmcv==1.3.9
	$(PIP050) --no-deps mmaction==0.5.0
	$(PIP050) -r demo/mmaction050/requirements.txt
	$(PY050) -c "import mmcv, mmaction; assert mmcv.__version__ == '1.3.9', mmcv.__version__"
	touch $@

demo-data: venv  ## the demo's synthetic dataset (data/demo, git-ignored; deterministic)
	$(PY) -m demo.data $(call shq,$(value DEMO_DATA))

demo: venv venv-mmaction050 demo-data  ## real trainings -> sweep -> collect -> table + HTML report
	$(PY) -m demo.run --executor $(call shq,$(value EXECUTOR)) --partition $(call shq,$(value PARTITION)) \
		--parallel $(call shq,$(value DEMO_PARALLEL)) $(foreach s,$(value DEMO_SET),--set $(call shq,$(s)))

demo-logs: venv venv-mmaction050 demo-data  ## regenerate tests/demo_logs from real demo trainings
	$(PY) -m demo.sample_logs tests/demo_logs

# the suite runs the demo sweep under Slurm (tests/demo/test_demo_slurm.py): it needs both envs
test: venv-mmaction050
