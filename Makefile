# Two commands for a fresh machine (Debian 12 / Ubuntu 24.04, system python3 >= 3.11, make,
# apt as root or through sudo):
#   make demo   set up, then build the demo portal into site/ (and site-internal/)
#   make test   set up, then run every test (browser tests in Debian's Chromium)
# Set-up means: Debian packages through apt (only those missing), a virtual environment in
# .venv/ made by $(PYTHON) -m venv, and in it the exact versions of requirements.txt plus this
# project (editable). Nothing is installed into $(PYTHON) itself. Every tool runs from .venv/.
# Other targets: make check (linters, types, import contracts, fast tests), make lock (refresh
# requirements.txt), make serve, make bench.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
LOCK := requirements.txt
# Written after a successful install; older than the lock or pyproject.toml = install again.
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
APT_RUNTIME := fonts-dejavu-core fonts-droid-fallback
APT_TEST := chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test check lock setup setup-test apt-runtime apt-test serve bench

demo: setup
	$(VENV)/bin/storyportal validate --build-date 2026-11-24 || true
	$(VENV)/bin/storyportal build --build-date 2026-11-24
	$(VENV)/bin/storyportal build --build-date 2026-11-24 --audience internal
	@echo
	@echo "Built site/ (public) and site-internal/ (sales). Open it with:"
	@echo "  python3 -m http.server --directory site 8000   then http://127.0.0.1:8000/"

# tests/test_lock.py (part of this run) checks that .venv holds exactly the locked versions.
# pytest's exit 5 means it collected no test at all: that fails too, and says so.
test: setup-test
	@echo "$(VPY) -m pytest -q -p no:cacheprovider tests"; \
	$(VPY) -m pytest -q -p no:cacheprovider tests; rc=$$?; \
	if [ $$rc = 5 ]; then echo "make test: pytest collected no test (exit 5): the suite is missing"; fi; exit $$rc

# Every check runs, even after one failed; the target fails if any did.
check: setup
	@failed=""; \
	run() { echo "+ $$*"; "$$@" || failed="$$failed $$1"; }; \
	run $(VENV)/bin/ruff check .; \
	run $(VENV)/bin/ruff format --check .; \
	run $(VENV)/bin/mypy generator/storyportal; \
	if grep -qs '^\[tool\.importlinter\]' pyproject.toml || [ -f .importlinter ]; then \
	  run $(VENV)/bin/lint-imports; \
	else echo "lint-imports: skipped, no contracts yet ([tool.importlinter] in pyproject.toml)"; fi; \
	run $(VPY) -m pytest -q -p no:cacheprovider -m "not slow" tests; \
	if [ -n "$$failed" ]; then echo "make check: failed:$$failed"; exit 1; fi

# Newest versions that pyproject.toml's ranges allow, for Python 3.11 and newer on any
# platform, with hashes. `make lock LOCK_FLAGS=` keeps the current pins and only adds what
# pyproject.toml now asks for. uv runs from its own throwaway environment, not from .venv.
LOCK_FLAGS ?= --upgrade
lock:
	@tools=$$(mktemp -d) && trap 'rm -rf "$$tools"' EXIT && \
	$(PYTHON) -m venv "$$tools" && "$$tools/bin/python" -m pip install -q "uv==$(UV_VERSION)" && \
	"$$tools/bin/uv" pip compile pyproject.toml --extra test --extra dev --universal \
	  --python-version 3.11 --generate-hashes $(LOCK_FLAGS) --custom-compile-command "make lock" \
	  --quiet -o $(LOCK)
	@echo "$(LOCK): $$(grep -c '^[a-z]' $(LOCK)) pins; 'make test' installs them into $(VENV)/"

setup: apt-runtime $(STAMP)

setup-test: setup apt-test

$(VPY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "$(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'); Story Portal needs 3.11 or newer: make ... PYTHON=python3.11"; exit 1; }
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  echo "$(PYTHON) -m venv failed (Debian/Ubuntu ship venv's pip separately): installing python3-venv"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }

$(STAMP): $(VPY) $(LOCK) pyproject.toml
	$(VPY) -m pip install -q --require-hashes -r $(LOCK)
	$(VPY) -m pip install -q --no-deps -e .
	@touch $@

apt-runtime:
	@missing=$$(for p in $(APT_RUNTIME); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

apt-test:
	@missing=$$(for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

serve: setup
	$(VENV)/bin/storyportal serve

bench: setup
	$(VPY) bench/bench_validate.py
