# fundflows — `make run` and `make test` each set up everything they need on a fresh machine.
SHELL := /bin/bash
PY := .venv/bin/python
UV := .venv/bin/uv
export UV_PYTHON_DOWNLOADS := never
PORT ?= $(or $(FUNDFLOWS_PORT),8501)

.PHONY: run test test-long setup venv system build lint format bench clean

run: setup build ## set up, build the warehouse if needed, serve the dashboard
	$(PY) -m streamlit run dashboard/app.py --server.headless=true \
	  --server.address=127.0.0.1 --server.port=$(PORT) --browser.gatherUsageStats=false

test: setup ## set up and run the test suite (what CI runs)
	$(PY) -m pytest -q -n 2 --timeout=600 -m "not long"

test-long: setup ## heavy variants (large files, many faults)
	$(PY) -m pytest -q --timeout=3600 -m long

setup: venv system

venv: .venv/.synced
.venv/.synced: pyproject.toml uv.lock
	@test -x $(UV) || (python3 -m venv .venv && .venv/bin/pip install -q uv==0.13.8)
	$(UV) sync --locked --extra dev --python $(PY) -q
	@touch $@

# Debian chromium (browser tests, kaleido) and CJK fonts, installed when missing and root
system:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	  else echo "warning: chromium/fonts-noto-cjk missing (need root to install)"; fi; \
	fi

build: venv
	$(PY) -m pipelines.cli build --if-needed

lint: venv
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(PY) -m mypy

format: venv
	$(PY) -m ruff format . && $(PY) -m ruff check --fix .

bench: setup
	$(PY) bench/run_all.py

clean:
	rm -rf data/warehouses data/warehouse.duckdb data/warehouse.duckdb.lock test-output
