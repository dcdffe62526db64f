# tradedr: every target installs what it needs first, so a fresh clone needs only `make run` or `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export CDK_VALIDATION := false
export AWS_EC2_METADATA_DISABLED := true

.PHONY: install run test lint bench clean system-deps

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v node >/dev/null || { echo "Node.js is required by AWS CDK (jsii); installing nodejs from Debian"; $(MAKE) system-deps; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages: Node.js for CDK (usually present), Chromium for the report rendering test,
# and the drill's local data plane: MariaDB (server, client, backup) and HAProxy. Without root
# or apt the drill still runs its control-plane part and says the data plane is not available.
DEBIAN_PACKAGES := chromium mariadb-server mariadb-client mariadb-backup haproxy
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v node >/dev/null || ! command -v mariadbd >/dev/null || ! command -v haproxy >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES) $$(command -v node >/dev/null || echo nodejs) >/dev/null; \
	  else echo "system-deps: not root or no apt-get; skipping (browser test skipped, drill without its data plane)"; fi; \
	fi

# The main job: the stacks of the default config (one row each), then the whole DR drill on
# the embedded emulator (deploy, lose the primary, fail over, fail back, report).
run: install system-deps
	$(BIN)/tradedr synth --out build/cdk.out
	$(BIN)/tradedr drill --out build/drill

test: install system-deps
	$(BIN)/pytest -q -n 2 tests

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) cdk.out report build
