# Bootstrap only: create the virtual environment with the pinned
# dependencies, then hand over to invoke (tasks.py) for the real work.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv serve test clean-venv

venv: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	touch $(STAMP)

serve: venv
	$(BIN)/invoke livereload --port $(PORT)

test: venv
	$(BIN)/invoke test

clean-venv:
	rm -rf $(VENV)
