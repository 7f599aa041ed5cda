# Two commands on a fresh machine: `make site` builds the site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The preview renders again only what an edit touched (--dirty); warnings show without stopping it (CI's build is strict).
SERVE_FLAGS := --livereload --dirty --no-strict

# Every dependency is installed at the version and hashes of a lock file made from pyproject.toml by pip-compile (pip-tools):
# requirements-dev.lock (the default: the tools, tests and site) or requirements.lock (the site only: LOCK=requirements.lock,
# as the Pages workflow deploys). `make lock` remakes both at the newest versions after a change to pyproject.toml.
LOCK ?= requirements-dev.lock
COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --upgrade

.PHONY: site serve test lint validate clean lock

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(COMPILE) --output-file requirements.lock pyproject.toml
	$(COMPILE) --extra dev --output-file requirements-dev.lock pyproject.toml

# Built next to site/ and swapped in only when the build succeeds: a failed build leaves the last site intact.
site: $(STAMP)
	rm -rf site.tmp
	$(BIN)/mkdocs build --strict --site-dir site.tmp
	rm -rf site && mv site.tmp site

serve: $(STAMP)
	$(BIN)/mkdocs serve $(SERVE_FLAGS)

validate: $(STAMP)
	$(BIN)/python -m builder validate

lint: $(STAMP)
	$(BIN)/ruff check builder tests benchmarks
	$(BIN)/ruff format --check builder tests benchmarks
	$(BIN)/mypy builder
	$(BIN)/zizmor --offline --quiet .github/workflows/
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf site site.tmp .pytest_cache .mypy_cache .ruff_cache
