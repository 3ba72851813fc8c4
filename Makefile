# Two commands for a newcomer: `make run` and `make test`. Everything else is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/hrc-bot db upgrade
	$(BIN)/hrc-bot run

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-extract the gettext catalogue after changing user-facing strings.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -o handlers/locales/messages.pot .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
