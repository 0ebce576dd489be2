#!/usr/bin/env bash
# The layer check passes on the tree and fails on each kind of forbidden include.
set -euo pipefail
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/tools/check-layers" "$root" > /dev/null || { echo "FAIL: the tree itself fails"; exit 1; }

expect_failure() {
  local what=$1 file=$2 line=$3
  rm -rf "$tmp/tree"; mkdir -p "$tmp/tree"; cp -r "$root/src" "$tmp/tree/src"
  mkdir -p "$(dirname "$tmp/tree/$file")"
  printf '%s\n' "$line" >> "$tmp/tree/$file"
  if "$root/tools/check-layers" "$tmp/tree" > "$tmp/out" 2>&1; then
    echo "FAIL: $what was accepted"; exit 1
  fi
  grep -q "$file" "$tmp/out" || { echo "FAIL: $what: report does not name $file"; cat "$tmp/out"; exit 1; }
  echo "ok: $what is refused"
}

expect_failure "base including actor" src/base/buf.c '#include "actor/mailbox.h"'
expect_failure "platform including wasm" src/platform/os.c '#include "wasm/module.h"'
expect_failure "an OS header in base" src/base/log.c '#include <pthread.h>'
expect_failure "an OS header in a new engine file" src/wasm/probe.c '#include <sys/mman.h>'
echo "layer check: every forbidden include was refused"
