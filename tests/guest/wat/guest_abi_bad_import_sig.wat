;; send-message without its return-area pointer: not the canonical lowering.
(module
  (import "airwasm:component/host@0.1.0" "send-message" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32 i32 i32) (result i32) (i32.const 0)))
