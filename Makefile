# Targets follow Pelican's quickstart Makefile, plus test, bench and diff.
# `make html` and `make test` set everything up on a fresh Debian machine with python3 and make.

PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python

SEEDS ?= seeds
OUTPUTDIR ?= output
# OUTPUTDIR without a trailing slash: the build stages its next site beside it
OUTPUT = $(patsubst %/,%,$(OUTPUTDIR))
WORKDIR ?= build
CONFFILE ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
PORT ?= 8000
STRICT ?=
BASE ?=

WATCH_FLAGS := --seeds "$(SEEDS)" --output "$(OUTPUTDIR)" --work "$(WORKDIR)" $(if $(BASE),--base "$(BASE)")
# a watch has no exit status to give, so no --strict
BUILD_FLAGS := $(WATCH_FLAGS) $(if $(STRICT),--strict)

# Root installs Debian packages directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help html clean regenerate serve publish test bench diff setup test-setup browser-deps

help:
	@echo "make html        build the site from $(SEEDS)/ into $(OUTPUTDIR)/ (sets up .venv first)"
	@echo "make html STRICT=1   ... and fail if any page was skipped"
	@echo "make html SEEDS=dir OUTPUTDIR=dir WORKDIR=dir   build another folder of pages elsewhere"
	@echo "make html BASE=dir   ... with a page of the data's changes since the build in dir"
	@echo "make test        run the whole test suite (installs what the tests need)"
	@echo "make bench       run the benchmarks"
	@echo "make serve       serve $(OUTPUTDIR)/ on http://localhost:$(PORT)"
	@echo "make regenerate  rebuild whenever seeds, content, theme, analysis/data or settings change"
	@echo "SITEURL=url make publish   build the hosted site at url with $(PUBLISHCONF)"
	@echo "make diff BASE=dir   compare this build's data with another build's output/"
	@echo "make setup       only create .venv and install what the build needs"
	@echo "make clean       remove build products"

$(VENV)/.runtime: pyproject.toml
	@[ -x "$(PYTHON)" ] || $(PY) -m venv $(VENV) || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv" >&2; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv && $(PY) -m venv $(VENV); }
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -e .
	@touch $@

$(VENV)/.test: $(VENV)/.runtime pyproject.toml
	$(PYTHON) -m pip install -q -e '.[test]'
	@touch $@

setup: $(VENV)/.runtime

test-setup: $(VENV)/.test browser-deps

# The browser tests drive Debian's Chromium and need a CJK font to render Chinese.
browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q "Noto Sans CJK" || { \
	  echo "installing Debian's chromium and fonts-noto-cjk for the browser tests" >&2; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-noto-cjk; }

html: $(VENV)/.runtime
	$(PYTHON) -m analysis build $(BUILD_FLAGS) --settings "$(CONFFILE)"

publish: $(VENV)/.runtime
	@[ -n "$$SITEURL" ] || { echo "usage: SITEURL=<the hosted site's address> make publish" >&2; exit 2; }
	$(PYTHON) -m analysis build $(BUILD_FLAGS) --settings "$(PUBLISHCONF)"

regenerate: $(VENV)/.runtime
	$(PYTHON) -m analysis watch $(WATCH_FLAGS) --settings "$(CONFFILE)"

serve:
	cd "$(OUTPUTDIR)" && $(PY) -m http.server $(PORT)

test: test-setup
	$(PYTHON) -m pytest -q

bench: $(VENV)/.test
	$(PYTHON) -m analysis bench --work "$(WORKDIR)/bench"

diff: $(VENV)/.runtime
	@[ -n "$(BASE)" ] || { echo "usage: make diff BASE=<output folder of the base build>" >&2; exit 2; }
	$(PYTHON) -m analysis diff "$(BASE)" "$(OUTPUTDIR)"

clean:
	rm -rf "$(OUTPUTDIR)" "$(WORKDIR)" "$(dir $(OUTPUT)).$(notdir $(OUTPUT)).building" "$(dir $(OUTPUT)).$(notdir $(OUTPUT)).previous"
