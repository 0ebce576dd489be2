#!/usr/bin/env bash
# Runs every benchmark binary of the build (bench_*), each printing its table.
# usage: tools/bench.sh BUILD_DIR
set -euo pipefail
build=$1
shopt -s nullglob
benches=("$build"/bench/*/bench_* "$build"/bench/bench_*)
if [ ${#benches[@]} -eq 0 ]; then
  echo "bench: no benchmarks are built yet"
  exit 0
fi
"$(dirname "$0")"/install-deps.sh --bench || echo "bench: erlang-nox missing; Erlang figures are skipped"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for b in "${benches[@]}"; do
  [ -x "$b" ] || continue
  echo
  echo "== $(basename "$b")"
  "$b"
done
