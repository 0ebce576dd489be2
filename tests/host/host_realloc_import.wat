;; A cabi_realloc that calls a host import, which the canonical ABI forbids
;; (the host is in the middle of lowering): the guest must trap.
(module
  (import "airwasm:component/host@0.1.0" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "sneaky")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (call $log (i32.const 2) (i32.const 64) (i32.const 6))
    (i32.const 1024))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32 i32 i32) (result i32) (i32.const 16)))
