#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time, starting from its seed corpus
# in tests/fuzz/corpus/<target>/ (copied, so the tree is never written).
# usage: tools/fuzz.sh BUILD_DIR SECONDS_PER_TARGET
set -euo pipefail
build=$1
seconds=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shopt -s nullglob
targets=("$build"/tests/fuzz/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no fuzz targets are built in $build/tests/fuzz"
  exit 0
fi
for target in "${targets[@]}"; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus="$work/$name"
  mkdir -p "$corpus"
  if [ -d "$root/tests/fuzz/corpus/$name" ]; then cp -r "$root/tests/fuzz/corpus/$name/." "$corpus/"; fi
  echo "fuzz: $name for ${seconds}s"
  "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
    "$corpus" > "$work/$name.log" 2>&1 || { tail -60 "$work/$name.log"; echo "fuzz: $name FAILED"; exit 1; }
  grep -E "^#[0-9]+.*(DONE|pulse)" "$work/$name.log" | tail -1 || true
done
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a finding"
