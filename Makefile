# Herald: `make run` serves http://127.0.0.1:3000; `make test` runs every test.
# Both install what they lack first (scripts/setup.sh).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# cargo-leptos downloads wasm-bindgen and wasm-opt unless they are on PATH (which fails
# here); scripts/setup.sh installs them and this PATH finds them.

.PHONY: all run build test test-rust test-postgres test-browser bench setup setup-test crates lint fmt clean

all: build

setup:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test

## crates: the patched crates Cargo.toml's [patch.crates-io] names (scripts/patch-crates.sh;
## setup runs it too); a moment's work once they are there
crates:
	scripts/patch-crates.sh

## build: release server at target/release/herald (hash.txt beside it names the site's
## hashed files) and site at target/site, with a brotli and a gzip copy of every file
## (cargo-leptos' gzip is weak: 1.29 MB of WebAssembly where gzip -9 makes 1.09 MB)
build: setup
	cargo leptos build --release --precompress
	find target/site -type f ! -name '*.br' ! -name '*.gz' -exec gzip -9 -n -k -f {} +

## run: build, then serve on http://127.0.0.1:3000 with data/herald.db
run: build
	target/release/herald serve

## bench: release Herald and a bare forwarder against a loopback sink, receivers of mixed
## speed with a black hole, and 1,000,000 events of history; prints figures (about 3 min)
## (a benchmark, not a test; see src/bin/bench.rs)
## BACKEND=postgres runs it on a throwaway PostgreSQL cluster (history: SQLite only), and
## NODES=2 with two herald processes on one database; both print CPU time per delivery;
## RUNS=fast runs the fast sink alone. The bench driver builds in target/bench: built beside
## cargo-leptos' server (whose build sets other environment variables) it would rebuild the
## Leptos crates, and they the next server build, every time.
BACKEND ?= sqlite
NODES ?= 1
RUNS ?= all
bench: build
	$(if $(filter postgres,$(BACKEND)),scripts/with-postgres.sh) env BACKEND=$(BACKEND) NODES=$(NODES) RUNS=$(RUNS) \
		CARGO_TARGET_DIR=target/bench \
		cargo run --release --no-default-features --features ssr --bin herald-bench -- target/release/herald

## test: unit and integration tests (on SQLite, then those of PG_TESTS on PostgreSQL), then
## browser tests against the release build
test: setup-test test-rust test-postgres build test-browser

## test-rust: unit and integration tests, with a throwaway PostgreSQL cluster for the schema
## parity test (scripts/with-postgres.sh), which must not skip it
test-rust: crates
	scripts/with-postgres.sh env HERALD_REQUIRE_POSTGRES=1 cargo test --features ssr

## test-postgres: the integration tests with their servers on PostgreSQL (the same build as
## test-rust: same features, same profile), but those in PG_SKIP (none today: name a test
## here, with the reason, only while a gap on PostgreSQL is open). Tests that read or change
## the database themselves do it on either backend (common::read_db); one that inspects a
## SQLite file (the write-ahead log's size) returns at once on PostgreSQL.
PG_SKIP :=
PG_TESTS ?= $(foreach t,$(PG_SKIP),--skip $(t))
test-postgres: crates
	scripts/with-postgres.sh env HERALD_TEST_BACKEND=postgres HERALD_REQUIRE_POSTGRES=1 \
		cargo test --features ssr --test it -- $(PG_TESTS)

test-browser:
	end2end/run.sh

## lint: formatting and clippy on both sides
lint: crates
	cargo fmt --check
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt

clean:
	cargo clean
	rm -rf end2end/node_modules end2end/test-results end2end/screenshots
