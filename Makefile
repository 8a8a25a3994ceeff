# The README's two commands: `make run` installs and runs the app; `make test` installs and runs every test.
# Everything they need they install themselves: a virtual environment (.venv), the Python packages,
# the front-end packages from the npm registry (node_modules), and Debian's Chromium for the browser tests.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-gevent setup setup-test chromium nginx lint bench bench-votes bench-storm bench-startup translations screenshots

run: setup
	$(PY) run.py $(ARGS)

# The whole suite with the real servers under eventlet (the default async mode), then the tests that start the
# real server once more under gevent, the second async mode. The browser tests under gevent are `make test-gevent`
# (another 10 minutes on two cores, which would take the suite past its 20-minute budget).
test: setup-test
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)
	EVENTAPP_ASYNC_MODE=gevent $(PY) -m pytest -m "server and not browser" $(PYTEST_ARGS)

# The tests that start the real server and the browser tests, once more under gevent, the second async mode.
test-gevent: setup-test
	EVENTAPP_ASYNC_MODE=gevent $(PY) -m pytest -m "server or browser" $(PYTEST_ARGS)

setup: $(VENV)/.runtime node_modules/.installed

setup-test: setup $(VENV)/.dev chromium nginx

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium (Playwright's own browser download does not work on our machines).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's nginx, for the tests of config/nginx/eventapp.conf in front of two workers (the tests start their own
# nginx as a normal process). In a container apt's postinst cannot start the service and says so: that is fine.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light >/dev/null \
	  || test -x /usr/sbin/nginx; }

# Every surface of the demo in headless Chromium, into docs/screenshots/ (scripts/screenshots.py).
screenshots: setup-test
	$(PY) scripts/screenshots.py

lint: $(VENV)/.dev
	$(PY) -m ruff check .

# The broadcast benchmark of docs/performance.md (a script, not a test): the app against a bare python-socketio
# server, 1,000 phones, 30 rounds each. BENCH_ARGS adds options, e.g. `make bench BENCH_ARGS="--phones 50 --rounds 3"`.
# It needs the Python packages only (no browser, no front-end packages).
bench: $(VENV)/.bench
	$(PY) bench/broadcast.py $(BENCH_ARGS)

# The vote benchmark of docs/performance.md (a script, not a test): 2,000 phones join and vote at 550 votes/s for
# 20 s, on the app and then on a bare python-socketio server (`--async-modes eventlet,gevent`: the app in both modes;
# `--scale`: one worker against two on PostgreSQL and Redis). BENCH_ARGS adds options, e.g. the smoke run
# `make bench-votes BENCH_ARGS="--phones 100 --rate 50 --seconds 5"`.
bench-votes: $(VENV)/.bench
	$(PY) bench/votes.py $(BENCH_ARGS)

# The reconnect storm of docs/performance.md (a script, not a test): 2,000 phones connected, kill -9 of the server,
# restart; how soon is each phone back on the latest state. E.g. `make bench-storm BENCH_ARGS="--phones 100"`.
bench-storm: $(VENV)/.bench
	$(PY) bench/reconnect_storm.py $(BENCH_ARGS)

# How soon the app answers after a kill -9 (a script, not a test): restarts on the demo database against a bare
# python-socketio server's start in the same run, e.g. `make bench-startup BENCH_ARGS="--runs 10"`.
bench-startup: $(VENV)/.bench
	cd bench && ../$(PY) startup.py $(BENCH_ARGS)

$(VENV)/.bench: requirements-bench.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

# Developers: after changing UI texts, extract them and update the Dutch catalogue (then translate the new
# entries in eventapp/translations/nl/LC_MESSAGES/messages.po; the app compiles it on start).
translations: $(VENV)/.runtime
	$(VENV)/bin/pybabel extract --no-location --omit-header -F babel.cfg -k _l -o eventapp/translations/messages.pot .
	test -f eventapp/translations/nl/LC_MESSAGES/messages.po || \
	  $(VENV)/bin/pybabel init -i eventapp/translations/messages.pot -d eventapp/translations -l nl
	$(VENV)/bin/pybabel update --no-fuzzy-matching --omit-header -i eventapp/translations/messages.pot -d eventapp/translations -l nl
