#!/usr/bin/env bash
# Installs the tools hookmap's build and tests need, each only when missing or at the wrong
# version, from the registries this project may use (crates.io, npm, Debian). Idempotent and
# fast when everything is present.
#
#   scripts/ensure-tools.sh wasm        wasm32 target, wasm-bindgen-cli (= the crate's version)
#   scripts/ensure-tools.sh wasm-pack   wasm-pack (uses the wasm-bindgen on PATH)
#   scripts/ensure-tools.sh chromium    Debian chromium + chromium-driver
#   scripts/ensure-tools.sh npm         the repository's npm dev tools (npm ci)
#   scripts/ensure-tools.sh fuzz        cargo-fuzz, and the nightly toolchain it builds with
#   scripts/ensure-tools.sh bench       what `make bench` compares against: Debian jq, jaq from
#                                       crates.io, Port's engine (npm, built natively from the
#                                       jq sources it vendors: needs autoconf automake libtool)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION=0.15.1
# What `make bench` compares against: Port's own engine.
PORT_ENGINE_VERSION=0.0.12
# jaq's release on jaq-core 3.1 (the engine's jaq), for `make bench`.
JAQ_VERSION=3.1.2
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

# The one pinned wasm-bindgen version: `wasm-bindgen = "=X"` in the root Cargo.toml.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml
}

ensure_wasm() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "ensure-tools: adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local want; want=$(wasm_bindgen_version)
  [ -n "$want" ] || { echo "ensure-tools: no pinned wasm-bindgen version in Cargo.toml" >&2; exit 1; }
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ] \
     || [ "$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    echo "ensure-tools: installing wasm-bindgen-cli $want (about 2 minutes)"
    # Not --locked: its lock file pins a webpki-roots the registry lacks (toolchain.md).
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_wasm_pack() {
  ensure_wasm
  if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
    echo "ensure-tools: installing wasm-pack $WASM_PACK_VERSION (about 3 minutes)"
    cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "ensure-tools: installing Debian chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_npm() {
  # Reinstall only when package-lock.json changed since the last install.
  local stamp=node_modules/.hookmap-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "ensure-tools: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
}

ensure_fuzz() {
  if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "ensure-tools: installing the nightly toolchain (cargo fuzz needs it)"
    rustup toolchain install nightly --profile minimal
  fi
  if ! command -v cargo-fuzz >/dev/null; then
    echo "ensure-tools: installing cargo-fuzz (about 3 minutes)"
    cargo install cargo-fuzz --locked
  fi
}

ensure_bench() {
  local missing=()
  for p in jq autoconf automake libtool; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "ensure-tools: installing Debian ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ "$(jaq --version 2>/dev/null | awk '{print $2}')" != "$JAQ_VERSION" ]; then
    echo "ensure-tools: installing jaq $JAQ_VERSION (about 2 minutes)"
    cargo install jaq --version "$JAQ_VERSION" --locked --force
  fi
  ensure_npm
  # Port's engine, in its own folder (its native build would slow every `npm ci` of the
  # repository). Its sources (libjq 1.7, oniguruma) come in the npm tarball, Node's headers
  # from /usr/include/node: nothing is downloaded but the tarball.
  local dir=target/bench-tools
  if ! (cd "$dir" 2>/dev/null && node -e "require('@port-labs/jq-node-bindings')") >/dev/null 2>&1; then
    echo "ensure-tools: building @port-labs/jq-node-bindings $PORT_ENGINE_VERSION (about 2 minutes)"
    mkdir -p "$dir"
    [ -f "$dir/package.json" ] || echo '{"name": "hookmap-bench-tools", "private": true}' > "$dir/package.json"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@port-labs/jq-node-bindings@$PORT_ENGINE_VERSION"
  fi
}

for what in "$@"; do
  case "$what" in
    wasm) ensure_wasm ;;
    wasm-pack) ensure_wasm_pack ;;
    chromium) ensure_chromium ;;
    npm) ensure_npm ;;
    fuzz) ensure_fuzz ;;
    bench) ensure_bench ;;
    *) echo "ensure-tools: unknown tool set '$what'" >&2; exit 2 ;;
  esac
done
