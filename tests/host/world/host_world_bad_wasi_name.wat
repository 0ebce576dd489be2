;; World check fixture. Refused: a WASI function airwasm does not offer.
(module
  (import "wasi_snapshot_preview1" "fd_frobnicate" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message") (param i32 i32 i32 i32) (result i32) (i32.const 16))
)
