# Parsers: quick targets (the parsers part of `make test` / `make bench`).
.PHONY: test-parsers bench-parsers bench-collect
test-parsers: venv  ## only the parsers' tests (about 30 s)
	$(PY) -m pytest -q tests/parsers
bench-parsers: venv  ## parser speed and memory against grep and a naive parser (VIDBENCH_BENCH_MB=20: quick)
	$(PY) -m bench parsers

bench-collect: venv  ## collect's time per log against the parser CLI on the same logs (target <= 1.2x)
	$(PY) -m bench collect
