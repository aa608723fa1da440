# Two commands for a fresh machine (Debian/Ubuntu with Python 3.10+):
#   make demo   set up, then build the demo portal into site/ (and site-internal/)
#   make test   set up, then run every test (browser tests in Debian's Chromium)
SHELL := /bin/bash
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
APT_RUNTIME := fonts-dejavu-core fonts-droid-fallback
APT_TEST := chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup setup-test apt-runtime apt-test serve bench audit

demo: setup
	storyportal validate --build-date 2026-11-24 || true
	storyportal build --build-date 2026-11-24
	storyportal build --build-date 2026-11-24 --audience internal
	@echo
	@echo "Built site/ (public) and site-internal/ (sales). Open it with:"
	@echo "  $(PYTHON) -m http.server --directory site 8000   then http://127.0.0.1:8000/"

test: setup-test
	$(PYTHON) -m pytest -q -p no:cacheprovider tests

setup: apt-runtime
	$(PYTHON) -m pip install -q -e .

setup-test: apt-runtime apt-test
	$(PYTHON) -m pip install -q -e ".[test]"
	@[ -f tests/browser/node_modules/axe-core/axe.min.js ] || \
	  npm install --prefix tests/browser --no-save --no-package-lock --no-audit --no-fund --silent axe-core@4.14.1

apt-runtime:
	@missing=$$(for p in $(APT_RUNTIME); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

apt-test:
	@missing=$$(for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

serve: setup
	storyportal serve

bench: setup
	$(PYTHON) bench/bench_validate.py
