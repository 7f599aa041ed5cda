# Two commands on a fresh machine: `make site` builds the site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The preview renders again only what an edit touched (--dirty); warnings show without stopping it (CI's build is strict).
SERVE_FLAGS := --livereload --dirty --no-strict

.PHONY: site serve test lint validate clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

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
	$(BIN)/mypy builder
	$(BIN)/zizmor --offline --quiet .github/workflows/
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf site site.tmp .pytest_cache .mypy_cache .ruff_cache
