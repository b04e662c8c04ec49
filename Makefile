# Two commands do all the set-up on a fresh machine:
#   make run    the demo hall on SQLite at http://127.0.0.1:5000
#   make test   lint, type-check and the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test lint bench clean system-deps voice-deps messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml package.json | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	npm install --no-audit --no-fund --silent
	mkdir -p hall/static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js hall/static/vendor/
	cp node_modules/chart.js/dist/chart.umd.min.js hall/static/vendor/
	touch $@

# Debian packages: Chromium for page tests, DejaVu fonts for tickets, espeak-ng for spoken calls,
# nginx for the test of the nginx site in deploy/ (tests/test_nginx.py).
system-deps:
	@command -v chromium >/dev/null && command -v espeak-ng >/dev/null && command -v nginx >/dev/null \
	  && fc-list | grep -q DejaVuSans || { \
	  apt-get update -q && apt-get install -y -q chromium fonts-dejavu-core espeak-ng nginx; }

# The hall's voice: espeak-ng. Without it (no root to install it) the server still runs and
# displays fall back to recorded clips or the browser's own voice.
voice-deps:
	@command -v espeak-ng >/dev/null || { apt-get update -q && apt-get install -y -q espeak-ng; } \
	  || echo "warning: espeak-ng is not installed; spoken calls need recorded clips or a browser voice"

run: $(VENV)/.installed voice-deps
	$(BIN)/hall init
	$(BIN)/hall demo
	$(BIN)/hall run --host $${HOST:-127.0.0.1} --port $${PORT:-5000}

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	npx --no-install eslint hall/static/common.js kiosk/static display/static counter/static office/static

test: lint system-deps
	$(BIN)/pytest

# After adding or changing a message: update the English catalogues (hall/translations),
# translate the new entries (msgstr), then run it again to compile them.
messages: $(VENV)/.installed
	$(BIN)/python -m hall.web.catalogue

bench: $(VENV)/.installed
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache node_modules hall/static/vendor
