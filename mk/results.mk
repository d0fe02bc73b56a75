# Results: collect a sweep into the unified CSV and render the comparison tables.
#   make collect SWEEP=results/sweep-...            # -> SWEEP/results.csv
#   make report CSV=results/.../results.csv [FORMAT=md|html|csv] [REPORT_LANG=en|zh] [OUT=DIR]
#   make page-tables                                  # the page's own figures, rendered (zh)
.PHONY: collect report page-tables
FORMAT ?= md
REPORT_LANG ?= en

collect: venv  ## parse every job of SWEEP into SWEEP/results.csv (make collect SWEEP=DIR)
	@test -n $(call shq,$(value SWEEP)) || { echo "usage: make collect SWEEP=results/sweep-..." >&2; exit 2; }
	$(PY) -m orchestrator collect $(call shq,$(value SWEEP))

report: venv  ## render a results CSV (make report CSV=... [FORMAT=html] [REPORT_LANG=zh] [OUT=DIR])
	@test -n $(call shq,$(value CSV)) || { echo "usage: make report CSV=results/.../results.csv" >&2; exit 2; }
	$(PY) -m orchestrator report $(call shq,$(value CSV)) --format $(call shq,$(value FORMAT)) \
		--lang $(call shq,$(value REPORT_LANG)) $(if $(value OUT),-o $(call shq,$(value OUT)))

page-tables: venv  ## the benchmark page's published figures rendered as its tables (Chinese headings)
	$(PY) -m orchestrator report tests/results/page_figures.csv --lang zh

# The report's screenshot test (tests/results/test_report_screenshot.py) looks at report.html
# in headless Chromium; it skips, saying why, where there is none. CI must have it.
.PHONY: browser
BROWSER_PKGS := chromium fonts-dejavu-core
browser:  ## headless Chromium for the report's screenshot test (apt-get install, where missing)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $(BROWSER_PKGS) (headless screenshots of report.html)" >&2; \
	    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(BROWSER_PKGS) >/dev/null 2>&1 \
	      || { apt-get update -q >/dev/null 2>&1 \
	           && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(BROWSER_PKGS) >/dev/null 2>&1; }; } \
	    || { echo "make: chromium could not be installed; the report screenshot test will skip" >&2; [ "$$CI" != true ]; }; \
	  else echo "make: no chromium (not root, or no apt-get); the report screenshot test will skip" >&2; fi; }

test: browser
