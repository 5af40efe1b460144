# The two commands of the README: `make run` and `make test`. Both create or reuse .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test serve install translations lint format check clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations

# Compiled at every install (pure Python, a fraction of a second); .mo files are not committed.
translations: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py compile_translations -v 0 > /dev/null

## Set everything up and serve the demo on http://127.0.0.1:8000 (SQLite, no server needed).
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo
	@echo "Open http://127.0.0.1:8000/ and log in with one of the users above"
	@echo "(administrators also have http://127.0.0.1:8000/admin/)."
	@echo
	@# The worker runs background jobs (big imports) beside the server, and stops with it.
	DEBUG=1 $(BIN)/python manage.py db_worker & trap 'kill $$!' EXIT; \
		DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Production: migrate, collect the static files, serve with gunicorn. Needs the production
## environment (README, "Production"): SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ...
serve: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/gunicorn tracker.wsgi --bind $${BIND:-127.0.0.1:8000} --workers $${WEB_CONCURRENCY:-3} \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

## Run the test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Every page against its raw-SQL floor, on the database DATABASE_URL names (fill it first with
## `manage.py generate_data --claims 1000000`); `make bench BENCH_ARGS=--small` makes its own.
bench: install
	$(BIN)/python bench/run $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
