#!/usr/bin/env bash
# make demo: runs the most real thing the runtime can do today.
set -euo pipefail
build=$1
aw="$build/airwasm"
echo "== airwasm demo"
"$aw" --version
echo
echo "The component runtime is not built yet; today the demo shows the command"
echo "line front end. Later steps replace this with a system of components."
"$aw" help
