# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install chitieu from this checkout, run the nightly job on the bundled demo site
#   make test   create .venv, install chitieu with its test dependencies, run the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: venv run demo test bench clean install-check

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: run

run: $(STAMP)
	$(VENV)/bin/chitieu demo

# pytest exits 5 when it collects no test: treat that as a failure to notice, not a pass.
test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m benchmarks

# A plain, non-editable install in a fresh venv outside the checkout (needs PyPI): the wheel must
# carry the rules and the demo site. `make install-check PYTHON=python3.13` for another Python.
CHECK_DIR ?= /tmp/chitieu-install-check
install-check:
	rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR)/wheel
	$(PYTHON) -m pip wheel --no-deps -q -w $(CHECK_DIR)/wheel .
	$(PYTHON) -m venv $(CHECK_DIR)/venv
	$(CHECK_DIR)/venv/bin/python -m pip install -q $(CHECK_DIR)/wheel/*.whl
	cd $(CHECK_DIR) && venv/bin/chitieu --version && venv/bin/chitieu init project \
	  && cd project && ../venv/bin/chitieu config check && ../venv/bin/chitieu demo --workdir ../demo --quiet \
	  && test -s ../demo/extracted/facts.csv && echo "install-check: ok"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# Headless Chromium for the browser test of report.html (tests marked `browser`; they skip without it).
# Needs root for apt-get; failure is tolerated so that `make test` still runs everything else.
.PHONY: browser
browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || echo "browser: could not install chromium; browser tests will be skipped" >&2; \
	else echo "browser: not root, cannot apt-get install chromium; browser tests will be skipped" >&2; fi
