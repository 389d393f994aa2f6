# hookmap: the two set-up commands are `make playground` and `make test`.
# Every target installs what it is missing and skips what is already there.

SHELL := /bin/bash
CARGO ?= cargo
# The conformance corpus and reference documents live beside the repository.
SHARED ?= $(abspath $(CURDIR)/../shared)
export HOOKMAP_SHARED := $(SHARED)
PORT ?= 8080

.PHONY: test playground bench check-shared

## make test: every test of the repository.
test: check-shared
	$(CARGO) test --workspace --all-features
	@# The benchmarks' code, run once each on a small input (figures come from `make bench`).
	HOOKMAP_BENCH_EVENTS=2000 $(CARGO) test -p mapper-core --benches --quiet
	@# The Must-show check of the engine issue, through the CLI as a user runs it.
	./target/debug/hookmap test $(SHARED)/conformance/spacelift

## make playground: serve the playground on http://127.0.0.1:$(PORT).
playground:
	@echo "hookmap playground on http://127.0.0.1:$(PORT) (Ctrl-C stops it)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory www

## make bench: performance figures (criterion per event, and the NDJSON stream through the CLI).
bench: check-shared
	$(CARGO) bench -p mapper-core --bench spacelift -- --warm-up-time 1 --measurement-time 5
	$(CARGO) bench -p mapper-core --bench ndjson

check-shared:
	@test -d "$(SHARED)/conformance" || { echo "missing $(SHARED)/conformance: clone beside ../shared or set SHARED=..."; exit 1; }
