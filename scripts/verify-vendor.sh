#!/usr/bin/env bash
# The vendored crates (vendor/NAME) are exactly crates.io's NAME at the version their manifest
# names, plus hookmap's patch, vendor/patches/NAME-VERSION.patch (what each change does and why:
# vendor/NAME/PATCHES.md, which the patch adds).
#
#   scripts/verify-vendor.sh           check every vendored crate (run by `make test`)
#   scripts/verify-vendor.sh --write   rewrite the patches from the vendored trees (after
#                                      changing vendored code on purpose)
#
# The crates.io source is fetched by cargo itself (a throwaway manifest naming `=VERSION`), so
# it is the published package, checked against the index's checksum.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
write=false
[ "${1:-}" = "--write" ] && write=true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo_home=${CARGO_HOME:-$HOME/.cargo}
failed=0

for dir in vendor/*/; do
  dir=${dir%/}
  [ "$dir" = vendor/patches ] && continue
  name=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$dir/Cargo.toml" | head -1)
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$dir/Cargo.toml" | head -1)
  patch="vendor/patches/$name-$version.patch"

  # The published source, fetched by cargo.
  mkdir -p "$work/fetch-$name/src"
  printf '[package]\nname = "fetch-%s"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
    "$name" "$name" "$version" >"$work/fetch-$name/Cargo.toml"
  touch "$work/fetch-$name/src/lib.rs"
  cargo fetch --quiet --manifest-path "$work/fetch-$name/Cargo.toml"
  published=$(ls -d "$cargo_home"/registry/src/*/"$name-$version" | head -1)

  # crates.io's tree as cargo unpacks it, less cargo's own marker.
  mkdir -p "$work/a" "$work/b"
  rm -rf "$work/a/$name" "$work/b/$name"
  cp -r "$published" "$work/a/$name"
  rm -f "$work/a/$name/.cargo-ok"
  cp -r "$dir" "$work/b/$name"

  if $write; then
    mkdir -p vendor/patches
    (cd "$work" && git diff --no-index --no-prefix --binary "a/$name" "b/$name" >"$root/$patch" || true)
    echo "wrote $patch ($(grep -c '^diff ' "$root/$patch") files changed)"
    continue
  fi

  if [ ! -f "$patch" ]; then
    echo "verify-vendor: $dir has no patch $patch (scripts/verify-vendor.sh --write makes it)" >&2
    failed=1
    continue
  fi
  # Apply the patch to the published source; the result must be the vendored tree, byte for byte.
  (cd "$work/a/$name" && git apply -p2 --whitespace=nowarn "$root/$patch")
  if diff -r "$work/a/$name" "$work/b/$name" >"$work/diff-$name"; then
    echo "verify-vendor: $dir = crates.io $name $version + $patch"
  else
    echo "verify-vendor: $dir differs from crates.io $name $version + $patch:" >&2
    cat "$work/diff-$name" >&2
    failed=1
  fi
done
exit $failed
