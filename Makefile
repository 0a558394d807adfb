# Hallway: `make run` to try it, `make test` to check it. Only Python 3.11 is needed; the rest goes in .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Touched after each install: pip runs again only when pyproject.toml is newer than this.
STAMP := $(VENV)/.installed

.PHONY: run test lint format migrate bench install messages

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	touch $@

# make run HOST=0.0.0.0 opens the server to the room (phones on the same wifi); PORT=8001 if 8000 is taken.
HOST ?= 127.0.0.1
PORT ?= 8000

## run: migrate, seed the demo event once, and serve on http://127.0.0.1:8000 (the links are printed)
run: $(STAMP)
	@$(BIN)/hallway migrate
	@$(BIN)/hallway serve --demo --host $(HOST) --port $(PORT)

## test: the whole suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: ruff (lint and format) and mypy
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP)
	@$(BIN)/hallway migrate

bench: $(STAMP)
	@echo "The benchmarks print their figures; each needs a server running (make run) unless its --help says otherwise:"
	@for f in bench/*.py; do [ -e "$$f" ] && echo "  $(BIN)/python $$f --help"; done; true

## messages: gather the words to translate (app/translations/messages.pot) and add the new ones to each language
LANGUAGES := es de cy
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k _n:1,2 -k in_both -k plural_forms:1,2 -c Translators: --no-location --sort-output \
		--project Hallway --msgid-bugs-address "" -o app/translations/messages.pot .
	@for lang in $(LANGUAGES); do \
		if [ -f app/translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel -q update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations -l $$lang; \
		else \
			$(BIN)/pybabel -q init -i app/translations/messages.pot -d app/translations -l $$lang; \
		fi; \
	done
