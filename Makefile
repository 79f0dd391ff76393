# The two commands of the README are `make run` and `make test`; the rest are their steps.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=
export DJANGO_ALLOW_ASYNC_UNSAFE := true
# The settings are in production mode unless DEBUG=1: the development commands say so themselves
# (`DEBUG=0 make test` runs the suite in production mode, as .ci/run does once).
run test test-fast fixtures messages benchmark: export DEBUG ?= 1

.PHONY: install run serve test test-fast chromium nginx pdf-libs fixtures messages benchmark

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(BIN)/.installed node_modules/.package-lock.json

# A fresh random password for the demo accounts on every run, unless DEMO_PASSWORD is set.
DEMO_PASSWORD ?= $(shell $(PYTHON) -c 'import secrets; print("demo-" + secrets.token_urlsafe(9))')

# Installs, creates the SQLite database, loads the reference and demo data, creates the demo
# accounts (printing them and their password), serves on $(ADDR).
run: install
	-@$(MAKE) --no-print-directory pdf-libs  # the brief's PDF only: the dashboard runs without it
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata reference demo_meeting_2567
	$(BIN)/python manage.py create_demo_accounts --password '$(DEMO_PASSWORD)'
	$(BIN)/python manage.py runserver $(ADDR)

# Production mode (docs/production.md): DEBUG=0, static files collected, migrations applied,
# gunicorn with deploy/gunicorn.conf.py. Never loads fixtures or demo accounts. Needs SECRET_KEY
# and ALLOWED_HOSTS (and DATABASE_URL, REDIS_URL) in the environment; the settings refuse to
# start without the first two. Behind nginx on the same machine, set BEHIND_PROXY=1.
serve: export DEBUG := 0
serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py tracker.wsgi

# Installs (Chromium for the browser tests, nginx for the proxy's page store) and runs the whole suite:
# the fast set on $(JOBS) processes (pytest-xdist, a test database each), then the slow tests one at a
# time (they start servers, flush the database and share ports). With DEBUG=0 (production mode: hashed
# static files from the manifest) it collects them first. PYTEST_ARGS narrows both (5: none selected).
JOBS ?= 2
test: test-fast
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS) || test $$? = 5

test-fast: install chromium nginx pdf-libs
	@test "$$DEBUG" != 0 || $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow" $(PYTEST_ARGS) || test $$? = 5

chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Debian's nginx, only to test deploy/nginx in front of the live server (tests/browser/test_proxy_cache.py).
nginx:
	@test -x /usr/sbin/nginx || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null)

# WeasyPrint (the meeting brief's PDF) lays out text with Debian's Pango; DejaVu draws the few
# symbols (✔ ≥ …) that Sarabun lacks; poppler's pdftotext reads the PDF's text back in the tests.
pdf-libs:
	@ldconfig -p | grep -q libpangoft2-1.0.so.0 && test -d /usr/share/fonts/truetype/dejavu && test -x /usr/bin/pdftotext || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils >/dev/null)

fixtures: install
	$(BIN)/python manage.py build_fixtures

messages: install
	$(BIN)/python manage.py makemessages -l th -l en --ignore=.venv --ignore=node_modules
	$(BIN)/python manage.py compilemessages --ignore=.venv

benchmark: install
	$(BIN)/python benchmarks/pages.py --setup
