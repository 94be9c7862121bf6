# Jembatan — the two commands a newcomer needs: `make serve` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PYTHON ?= python3

.PHONY: serve test install translations db browser clean-db bench

## serve: install, migrate, seed (with sample accounts) and serve on http://127.0.0.1:5000 (SQLite)
serve: install translations db
	$(FLASK) run --host 127.0.0.1 --port 5000

## test: install everything (Chromium too) and run the whole suite (DATABASE_URL picks the database)
test: install translations browser
	$(PY) -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

translations: install
	$(FLASK) translate compile

db: install
	$(FLASK) db upgrade
	$(FLASK) seed --sample

## browser: Debian's Chromium and its driver for the browser tests (never a downloaded browser)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi; }

clean-db:
	rm -f instance/jembatan.db instance/jembatan.db-wal instance/jembatan.db-shm
