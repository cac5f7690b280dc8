# The two commands of the README, and a few more. Each sets itself up.
# Python ≥ 3.11; 3.12 or 3.13 where one is found, on the PATH or among pyenv's versions (a
# pyenv shim of a version not selected is on the PATH but fails, hence the check that it
# runs): there coverage uses sys.monitoring, far cheaper than the C tracer of 3.11 (a subset
# of the suite: 142 CPU-s against 200; docs/testing.md § Coverage). Else python3.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell root=$$(pyenv root 2>/dev/null); \
	for p in python3.12 $$root/versions/3.12*/bin/python3 python3.13 $$root/versions/3.13*/bin/python3; do \
		"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; \
	done)
ifeq ($(PYTHON),)
PYTHON := python3
endif
endif
VENV   := .venv
BIN    := $(VENV)/bin
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
STAMP  := $(VENV)/.installed-$(PYVER)

.PHONY: demo test setup browser java lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "xinyong needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	@# A .venv of another Python is made again.
	@[ ! -e $(VENV) ] || [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$(PYVER)" ] || rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	@touch $(STAMP)

setup: $(STAMP)

## Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; never
## `playwright install`) and a Chinese font for their screenshots. Without apt (not Debian)
## the browser tests say they were skipped.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q . ; } || \
		{ command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -q && apt-get install -y -q chromium fonts-wqy-microhei; } || \
		echo "chromium not installed: the browser tests will be skipped"; }

## Java 17 for the Spark engine's test in local mode (tests/evaluation/test_spark.py; pyspark
## itself comes with `setup`). Without apt the test says it was skipped.
java:
	@command -v java >/dev/null 2>&1 || \
		{ command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -q && apt-get install -y -q openjdk-17-jre-headless; } || \
		echo "Java not installed: the Spark test will be skipped"; }
## What credit reports need from Debian (docs/reports.md): Pango and HarfBuzz's subsetter for
## WeasyPrint, the CJK fonts the PDF embeds (Noto Serif/Sans CJK SC: never fetched at run time),
## and poppler-utils (pdftoppm) for the tests that render a report's pages to read its QR codes.
## Without apt (not Debian) the tests that need them say they were skipped.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils
.PHONY: pdf
pdf:
	@{ command -v pdftoppm >/dev/null 2>&1 && fc-list | grep -q "Noto Serif CJK" && \
		ldconfig -p | grep -q libharfbuzz-subset ; } || \
		{ command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -q && apt-get install -y -q $(PDF_PACKAGES); } || \
		echo "PDF packages not installed: the credit report tests will be skipped"; }

## Start the platform on the embedded default (SQLite under ./var/) with demo data.
demo: setup
	$(BIN)/xinyong serve --demo 2000

## Lint, format, types (mypy, [tool.mypy]), then the whole test suite on SQLite and PostgreSQL
## (PostgreSQL half skipped, and said so, if none runs) with a bounded schemathesis run of the API
## per role, measured by coverage: under 90 % of src/ fails ([tool.coverage]; docs/testing.md).
test: setup browser java pdf
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -p no:cacheprovider --cov --cov-report=term:skip-covered

## The browser tests write their screenshots under var/screenshots/, as does the test that
## renders a demo credit report's pages; this refreshes the documented ones (docs/testing.md). SQLite only: one set, and no PostgreSQL needed.
SCREENSHOT_DIR := docs/screenshots
.PHONY: screenshots
screenshots: setup browser pdf
	XINYONG_SCREENSHOT_DIR=$(SCREENSHOT_DIR) $(BIN)/pytest -p no:cacheprovider -n 0 tests/browser \
		tests/credit_reports/test_demo_report.py -k "not postgresql"

lint: setup
	$(BIN)/ruff check src tests benchmarks

format: setup
	$(BIN)/ruff format src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/archive.py

## 30 minutes of mixed load on PostgreSQL at half of saturation (docs/performance.md § Soak).
.PHONY: soak
soak: setup
	$(BIN)/python benchmarks/soak.py

clean:
	rm -rf $(VENV) var .pytest_cache
