#!/usr/bin/env bash
# Runs the core spec tests of a WebAssembly/testsuite checkout (pinned at
# a810159) through tests/spec/spec_runner. Each core .wast is converted by
# wabt's wast2json into a temporary directory (the suite is never committed).
# usage: tests/spec/run.sh TESTSUITE_DIR [BUILD_DIR] [-v]
set -uo pipefail
suite=${1:?usage: run.sh TESTSUITE_DIR [BUILD_DIR] [-v]}
build=${2:-build}
verbose=${3:-}
runner="$build/tests/spec/spec_runner"
[ -x "$runner" ] || { echo "run.sh: $runner not built (cmake --build $build)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for wast in "$suite"/*.wast; do
  base=$(basename "$wast" .wast)
  case "$base" in simd_*) continue ;; esac
  mkdir -p "$tmp/$base"
  cp "$wast" "$tmp/$base/$base.wast"
  # wabt 1.0.32 needs the table index written out in the table_* files
  case "$base" in table_*)
    perl -pi -e 's/\btable\.(get|set|size|grow|fill)(?=[\s)])(?!\s+[\$\d])/table.$1 0/g' "$tmp/$base/$base.wast" ;;
  esac
  if ! (cd "$tmp/$base" && wast2json --enable-all --no-check "$base.wast" -o "$base.json" > "$base.log" 2>&1) 2>/dev/null &&
     ! (cd "$tmp/$base" && wast2json "$base.wast" -o "$base.json" > "$base.log" 2>&1) 2>/dev/null; then
    printf '%-40s not converted by wast2json\n' "$base.wast"
    continue
  fi
  "$runner" $verbose "$tmp/$base/$base.json" || status=1
done
exit $status
