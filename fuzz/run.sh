#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, one after the other, in one process each
# (`make fuzz`; FUZZ_SECONDS per target, 60 by default; FUZZ_TARGETS to pick some).
# Seed corpora are copied at run time from tests/data/conformance and examples/ into
# fuzz/corpus/<target>/ (gitignored).
# Findings land in fuzz/artifacts/<target>/; reproduce one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")"
CONFORMANCE=../tests/data/conformance
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-config request dialect mapping}


# Copy every file matching the name pattern under the given folders into corpus/<target>/.
seed() {
  local target=$1 name=$2; shift 2
  mkdir -p "corpus/$target"
  find "$@" -name "$name" -type f 2>/dev/null | while read -r f; do
    cp "$f" "corpus/$target/seed-$(cksum <"$f" | cut -d' ' -f1)"
  done
}

# jq programs for the dialect target: every string leaf of the configs, and the program
# lines of jq's own test files.
seed_programs() {
  mkdir -p corpus/dialect
  python3 - "$CONFORMANCE" ../examples corpus/dialect <<'PY'
import hashlib, json, pathlib, sys
out = pathlib.Path(sys.argv[3])
def save(text):
    if text.strip():
        (out / ("seed-" + hashlib.sha1(text.encode()).hexdigest()[:12])).write_text(text)
def leaves(v):
    if isinstance(v, str): yield v
    elif isinstance(v, list):
        for x in v: yield from leaves(x)
    elif isinstance(v, dict):
        for x in v.values(): yield from leaves(x)
for root in sys.argv[1:3]:
    for f in pathlib.Path(root).rglob("config.json"):
        for s in leaves(json.loads(f.read_text())): save(s)
    for f in pathlib.Path(root).rglob("*.test"):
        for line in f.read_text(errors="replace").splitlines():
            if line and not line.startswith("#"): save(line)
PY
}

seed config config.json "$CONFORMANCE" ../examples
seed request request.json "$CONFORMANCE" ../examples
seed mapping request.json "$CONFORMANCE" ../examples
seed_programs

cargo +nightly fuzz build -O
status=0
for target in $TARGETS; do
  echo "fuzz: $target for ${SECONDS_EACH}s (log: fuzz/artifacts/$target.log)"
  mkdir -p "artifacts/$target"
  # One process (no -jobs/-workers fork mode); a single input running over 10 s is a hang.
  if ! cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
    -dict=jq.dict -max_total_time="$SECONDS_EACH" -timeout=10 -max_len=8192 \
    -rss_limit_mb=2048 -print_final_stats=1 >"artifacts/$target.log" 2>&1; then
    status=1
    echo "fuzz: $target FAILED: the input is in fuzz/artifacts/$target/"
    grep -E "panicked|ERROR|SUMMARY" "artifacts/$target.log" | head -5
  fi
  grep -E "^#[0-9]+ +DONE|^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" \
    "artifacts/$target.log" || true
done
exit $status
