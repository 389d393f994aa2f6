# hookmap: the two set-up commands are `make playground` and `make test`.
# Every target installs what it is missing and skips what is already there.

SHELL := /bin/bash
CARGO ?= cargo
# Tools installed by scripts/ensure-tools.sh live in cargo's bin folder.
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
PORT ?= 8080

TOOLS := scripts/ensure-tools.sh
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)

.PHONY: test playground package bench worker fuzz

## make test: every test of the repository.
test:
	$(TOOLS) wasm-pack chromium npm
	@# vendor/ is crates.io's jaq-core and jaq-json plus the patches in vendor/patches/, byte for byte.
	scripts/verify-vendor.sh
	$(CARGO) test --workspace --all-features
	@# The match rate of Port mode against Port's engine (tests/tests/port_oracle.rs, recorded corpus).
	@sed -n '1,/is not Port.s binding/p' target/port-oracle-report.txt
	@# The composed programs (tests/tests/port_composed.rs): the rate through jq --port and inside mappings.
	@sed -n '1,3p' target/port-composed-report.txt
	@# The benchmarks' code, run once each on a small input (figures come from `make bench`).
	HOOKMAP_BENCH_EVENTS=2000 $(CARGO) test -p mapper-core -p hookmap-cli --benches --quiet
	@# The Must-show check of the engine issue, through the CLI as a user runs it.
	$(TARGET_DIR)/debug/hookmap test examples tests/data/conformance/spacelift
	@# The bindings in wasm: on Node, then in headless Chromium (browser tests run_in_browser).
	wasm-pack test --node mapper-wasm
	wasm-pack test --headless --chrome mapper-wasm
	@# The npm package (packed, installed in a fresh project: ESM, CJS, workerd, TS), then the
	@# playground end to end in Chromium, and the playground's JS units.
	$(MAKE) --no-print-directory package
	node scripts/build-playground.mjs
	@# The `make bench` script once, quickly, without criterion (figures come from `make bench`).
	HOOKMAP_BENCH_QUICK=1 HOOKMAP_BENCH_CRITERION=0 HOOKMAP_BIN=$(TARGET_DIR)/debug/hookmap node scripts/bench.mjs >/dev/null
	@# The worker's JavaScript type-checked (www/tsconfig.json) against the types `wrangler types`
	@# generated from wrangler.toml (www/worker-configuration.d.ts), which must be up to date.
	cd www && WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false ../node_modules/.bin/wrangler types --check
	node_modules/.bin/tsc -p www
	@# The node test runner runs last, so its summary closes the run.
	node --test tests/npm/ tests/playground/ playground/js/ tests/worker/

## make package: the npm package `hookmap` into mapper-wasm/pkg/ (prints the .wasm sizes).
package:
	$(TOOLS) wasm npm
	node scripts/build-package.mjs

## make playground: build the playground and serve it on http://127.0.0.1:$(PORT).
playground: package
	node scripts/build-playground.mjs
	PORT=$(PORT) node scripts/serve.mjs

## make worker: the Cloudflare Worker on http://127.0.0.1:8787 with `wrangler dev`: producer and queue
## consumer (local queues, local D1, the built-in catalog), webhook `spacelift` with secret dev-secret
## or $$WEBHOOK_SECRET, ADMIN_TOKEN dev-admin or $$ADMIN_TOKEN (it says so); prints a signed curl and the
## URL of the connected playground (deliveries, backtest, publish, versions).
worker:
	$(TOOLS) npm
	@test -f mapper-wasm/pkg/index.workerd.mjs || $(MAKE) --no-print-directory package
	@test -f www/public/pkg/playground.js || node scripts/build-playground.mjs
	WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false node scripts/worker-dev.mjs --port 8787

## make bench: one performance table (scripts/bench.mjs: the npm package vs Port's engine in Node,
## the CLI vs jq and jaq, criterion's native micro-benchmarks, cold starts in Node and workerd,
## growth). Installs jq, jaq and Port's engine first (ensure-tools.sh bench).
bench: package
	$(TOOLS) bench
	$(CARGO) build --release -p hookmap-cli --bin hookmap
	$(CARGO) bench -p mapper-core --bench spacelift --no-run
	HOOKMAP_BIN=$(TARGET_DIR)/release/hookmap node scripts/bench.mjs

## make fuzz: every cargo-fuzz target for FUZZ_SECONDS each (60 by default; nightly), seeded from
## tests/data/conformance; findings in fuzz/artifacts/. Not part of `make test`.
fuzz:
	$(TOOLS) fuzz
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) fuzz/run.sh
