;; A hostile cabi_realloc: it answers a pointer near the end of the address
;; space, where the host must not write the arguments.
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0xFFFFFFF0))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32 i32 i32) (result i32) (i32.const 16)))
