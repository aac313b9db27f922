# The two quick-start commands: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "gsmgateway needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# A development key kept beside the venv, so that every `make run` can print it (the
# gateway itself stores only hashes of keys).
run: $(STAMP)
	@test -s $(VENV)/api-key || $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(24))' > $(VENV)/api-key
	@GSMGATEWAY_API_KEY="$$(cat $(VENV)/api-key)" $(BIN)/gsmgateway serve --simulate 4

test: $(STAMP)
	@sh scripts/ensure-test-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
