;; World check fixture. Refused: no cabi_realloc.
(module
  (memory (export "memory") 1)
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message") (param i32 i32 i32 i32) (result i32) (i32.const 16))
)
