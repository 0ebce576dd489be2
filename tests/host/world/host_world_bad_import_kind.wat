;; World check fixture. Refused: a host import that is a global, not a function.
(module
  (import "airwasm:component/host@0.1.0" "now-millis" (global i64))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message") (param i32 i32 i32 i32) (result i32) (i32.const 16))
)
