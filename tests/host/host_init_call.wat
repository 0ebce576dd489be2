;; A component whose init makes a synchronous `call`: nothing can wait during
;; creation, so the host must answer err(denied) at once without asking the
;; runtime. init fails unless it got exactly that.
(module
  (import "airwasm:component/host@0.1.0" "call" (func $call (param i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "peer")
  (data (i32.const 80) "call was not denied")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "airwasm:component/lifecycle@0.1.0#init") (result i32)
    (call $call (i32.const 64) (i32.const 4) (i32.const 64) (i32.const 4) (i32.const 10)
                (i32.const 32))
    (i32.store (i32.const 20) (i32.const 80))
    (i32.store (i32.const 24) (i32.const 19))
    (i32.store8 (i32.const 16)
      (i32.eqz (i32.and (i32.eq (i32.load8_u (i32.const 32)) (i32.const 1))
                        (i32.eq (i32.load8_u (i32.const 36)) (i32.const 5)))))
    (i32.const 16))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32 i32 i32) (result i32)
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (i32.const 64))
    (i32.store (i32.const 24) (i32.const 4))
    (i32.const 16)))
