;; A component written by hand at core level: the ABI needs no SDK.
(module
  (import "airwasm:component/host@0.1.0" "send-message"
    (func $send (param i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "cancel-request" (func $cancel (param i64) (result i32)))
  (import "airwasm:component/host@0.1.0" "now-millis" (func $now (result i64)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  ;; A bump allocator is a valid cabi_realloc for short-lived instances.
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  ;; Echo: ok(payload).
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32 i32 i32) (result i32)
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (local.get 2))
    (i32.store (i32.const 24) (local.get 3))
    (i32.const 16))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-callback") (param i64 i32 i32 i32))
  (func (export "airwasm:component/lifecycle@0.1.0#shutdown")))
