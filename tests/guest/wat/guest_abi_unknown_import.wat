;; Imports a host function the world does not have, and one from elsewhere.
(module
  (import "airwasm:component/host@0.1.0" "spawn" (func (param i32 i32)))
  (import "env" "abort" (func))
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32 i32 i32) (result i32) (i32.const 0)))
