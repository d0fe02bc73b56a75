# The timing probe (orchestrator/probe): its tests and its overhead benchmark.
.PHONY: test-probe bench-probe
test-probe: venv  ## the probe's tests (real CPU trainings: torch, TensorFlow compat.v1, MMAction2)
	$(PY) -m pytest -q tests/probe

bench-probe: venv  ## the probe's overhead on a CPU training, with/without in the same run
	$(PY) -m bench probe
