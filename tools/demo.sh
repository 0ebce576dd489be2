#!/usr/bin/env bash
# make demo: runs the order-pipeline example, a real system of six C
# components compiled to wasm32, on the embedded runtime (no servers needed).
set -euo pipefail
build=$1
system="$build/wasm/examples/order-pipeline/system.toml"
cat <<'TEXT'
== airwasm demo: the order pipeline (examples/order-pipeline/)

Six WebAssembly components, each in its own actor under one supervisor:
  gateway      takes orders from the host, asks billing, publishes on orders.audit
  billing      calls inventory synchronously (`call`: only billing is suspended)
  inventory    answers stock requests, keeps its state across messages
  audit-log    \ both subscribe to orders.*
  audit-stats  /
  flaky        prints labels; traps on a poison message and is restarted with
               its mailbox kept (the message goes to the dead letters)
The host sends the [[message]] entries of system.toml once all have started.

TEXT
"$build/airwasm" run "$system" --until-idle --for 30s
