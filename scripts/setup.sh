#!/usr/bin/env bash
# Install what building and testing Herald needs, skipping whatever is already there at the
# right version, so a warm machine pays nothing. Usage: scripts/setup.sh [build|test]
#   build: the wasm32 target, cargo-leptos, wasm-bindgen-cli, npm packages (wasm-opt)
#   test:  all of build, plus Debian's chromium for the browser tests and Debian's postgresql
#          (scripts/with-postgres.sh starts a throwaway cluster from its binaries)
# Nothing here downloads a prebuilt binary from outside the package registries: cargo-leptos
# would fetch wasm-bindgen, wasm-opt and sass from GitHub if they were missing from PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
what=${1:-build}

export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
say() { echo "setup: $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root to run: $*" >&2; return 1; fi
}

# Crates Herald builds with a patch (Cargo.toml's [patch.crates-io]): cargo needs them first.
scripts/patch-crates.sh

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes ~15 minutes once)"
  # --locked alone fails: one locked dependency wants a newer rustc than the machine's.
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --ignore-rust-version
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: a crate version in its lock file is not in the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm packages: Playwright (drives chromium) and binaryen, whose wasm-opt is the one that
# works. Debian's binaryen (108) builds a bundle that never hydrates.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing end2end npm packages"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if [ "$what" = test ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if [ "$what" = test ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing Debian's postgresql"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

if ! command -v curl >/dev/null; then
  as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y curl
fi
say "ready ($what)"
