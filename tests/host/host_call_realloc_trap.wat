;; A component blocked in `call` whose cabi_realloc traps when the host
;; lowers the response: the third allocation (after sender and payload) hits
;; unreachable. The call must fail the component cleanly.
(module
  (import "airwasm:component/host@0.1.0" "call" (func $call (param i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $allocs (mut i32) (i32.const 0))
  (data (i32.const 64) "peer")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (global.set $allocs (i32.add (global.get $allocs) (i32.const 1)))
    (if (i32.gt_u (global.get $allocs) (i32.const 2)) (then unreachable))
    (i32.add (i32.const 1024) (i32.mul (global.get $allocs) (i32.const 256))))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32 i32 i32) (result i32)
    (call $call (i32.const 64) (i32.const 4) (i32.const 64) (i32.const 4) (i32.const 10)
                (i32.const 32))
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (i32.const 36))
    (i32.store (i32.const 24) (i32.const 1))
    (i32.const 16)))
