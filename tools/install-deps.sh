#!/usr/bin/env bash
# Installs the Debian packages airwasm needs that are missing (ARCHITECTURE.md
# section 7). Runs apt-get as root, or through sudo; says clearly when neither
# is possible. usage: tools/install-deps.sh [--bench] [extra-package...]
# --bench adds what only `make bench` uses (erlang-nox: the Erlang side of
# bench/erlang/), so `make check` never needs it.
set -euo pipefail

bench_packages=()
if [ "${1:-}" = "--bench" ]; then shift; bench_packages=(erlang-nox); fi

packages=(
  cmake make gcc pkg-config
  libcmocka-dev
  clang-19 lld-19 libclang-rt-19-dev libclang-rt-19-dev-wasm32 wasi-libc wabt
  libcbor-dev libjansson-dev libmsgpack-dev
  llvm-19
  "${bench_packages[@]}"
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "airwasm: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then
  run=(sudo)
else
  echo "airwasm: these packages are missing and I cannot install them (not root, no" >&2
  echo "passwordless sudo). Install them, then run make again:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${run[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  "${run[@]}" apt-get update
  "${run[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
