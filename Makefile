# Haven: the README's two commands and their set-up.
#   make run   install what is missing, build, and serve the map at http://127.0.0.1:8080
#   make test  the same set-up, then every test suite (Rust, client unit tests, browser tests)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Debian packages Haven needs: the database, the browser for the browser tests, GDAL as an OGC
# client in the tests, fonts for the map's labels, Python for the API fuzzer (schemathesis).
DEB_PACKAGES := postgresql-15 postgresql-15-postgis-3 postgresql-contrib chromium gdal-bin \
                fonts-noto-core ca-certificates python3 python3-venv
CARGO ?= cargo
NPM ?= npm
HAVEN := target/release/haven
# The browser tests run the debug build that `cargo test` has just made (its dependencies are
# optimised, see Cargo.toml), so `make test` does not compile everything a second time.
TEST_HAVEN := target/debug/haven
TEST_DATA := target/test-data
E2E_DATA := target/e2e-data

.PHONY: help setup deps node-deps fuzz-deps client client-types check-client-types openapi-document \
        server run test test-rust test-client test-browser test-fuzz lint fmt stop-test-clusters clean

help:
	@echo "make run    install what is missing, build, serve http://127.0.0.1:8080"
	@echo "make test   install what is missing, then run every test suite"

## Set-up ----------------------------------------------------------------------------------

setup: deps node-deps fuzz-deps

# Installs the Debian packages that are missing: with apt-get as root, with sudo otherwise,
# and says which packages to install when neither works.
deps:
	@missing=""; \
	for pkg in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt_get="apt-get"; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt_get="sudo apt-get"; \
	  else echo "error: please install these Debian packages (as root: apt-get install$$missing)" >&2; exit 1; fi; \
	  $$apt_get update -qq && DEBIAN_FRONTEND=noninteractive $$apt_get install -y -qq --no-install-recommends $$missing; \
	fi; \
	for tool in $(CARGO) node $(NPM); do \
	  command -v $$tool >/dev/null || { echo "error: $$tool is required (Rust via rustup, Node.js 20.19+)" >&2; exit 1; }; \
	done

node-deps: map-client/node_modules/.installed tests/browser/node_modules/.installed

# npm packages from the committed lock files, installed again only when a lock file changes.
%/node_modules/.installed: %/package-lock.json
	cd $* && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

fuzz-deps: target/venv/.installed

# schemathesis in a virtual environment inside the checkout, from the pinned requirements,
# installed again only when they change.
target/venv/.installed: tests/fuzz/requirements.txt
	rm -rf target/venv
	python3 -m venv target/venv
	target/venv/bin/pip install --quiet --disable-pip-version-check --no-cache-dir -r $<
	touch $@

## Build -----------------------------------------------------------------------------------

client: node-deps
	cd map-client && $(NPM) run build

server:
	$(CARGO) build --release --locked --bin haven

# The server's OpenAPI document as `haven openapi` prints it: no server, no database.
openapi-document:
	$(CARGO) build --locked --bin haven
	$(TEST_HAVEN) openapi > target/openapi.json

# The client's response types (map-client/src/api/schema.d.ts), generated from that document.
# Run it after changing what the API documents, and commit the file.
client-types: node-deps openapi-document
	cd map-client && $(NPM) run types

# Fails when the committed response types differ from what the document generates.
check-client-types: node-deps openapi-document
	cd map-client && $(NPM) run types:check

## Run -------------------------------------------------------------------------------------

run: setup client server
	$(HAVEN) serve

## Test ------------------------------------------------------------------------------------

# Every suite runs, even after one fails; the end says how long each took and which failed.
TEST_PHASES := lint test-rust test-client test-browser test-fuzz

test: setup
	@status=0; summary=""; \
	for phase in $(TEST_PHASES); do \
	  start=$$(date +%s); result=ok; \
	  $(MAKE) --no-print-directory $$phase || { result=FAILED; status=1; }; \
	  summary="$$summary$$(printf '%-13s %5d s  %s' $$phase $$(( $$(date +%s) - start )) $$result)\n"; \
	done; \
	$(MAKE) --no-print-directory stop-test-clusters; \
	printf "\nmake test, by suite:\n$$summary"; \
	exit $$status

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	cd map-client && $(NPM) run lint && $(NPM) run typecheck
	cd tests/browser && $(NPM) run typecheck
	$(MAKE) --no-print-directory check-client-types

test-rust:
	$(CARGO) test --locked --workspace

test-client: node-deps
	cd map-client && $(NPM) test

test-browser: client
	$(CARGO) build --locked --bin haven
	mkdir -p target/screenshots
	cd tests/browser && HAVEN_BIN="$(CURDIR)/$(TEST_HAVEN)" HAVEN_E2E_DATA="$(CURDIR)/$(E2E_DATA)" npx playwright test

# Schema-driven fuzzing of the OpenAPI document against a Haven on its own cluster with the
# bundled data (tests/fuzz/run.sh; reports in target/fuzz). It serves the client that
# test-browser built, when there is one: the fuzzed routes do not need it.
test-fuzz: fuzz-deps
	$(CARGO) build --locked --bin haven
	HAVEN_BIN="$(CURDIR)/$(TEST_HAVEN)" tests/fuzz/run.sh

# The test suites' private clusters keep running between runs for speed; stop them at the end.
stop-test-clusters:
	@for dir in $(TEST_DATA) $(E2E_DATA) target/fuzz-data target/test-readyz target/test-faults target/test-scale-primary target/test-scale-replica target/test-restore; do \
	  if [ -f "$$dir/pg/postmaster.pid" ] && [ -x $(TEST_HAVEN) ]; then $(TEST_HAVEN) admin stop-cluster --data-dir "$$dir" || true; fi; \
	done

fmt:
	$(CARGO) fmt --all

clean: stop-test-clusters
	$(CARGO) clean
	rm -rf map-client/dist map-client/node_modules tests/browser/node_modules
