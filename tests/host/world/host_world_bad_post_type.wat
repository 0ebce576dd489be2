;; World check fixture. Refused: a post-return function with the wrong core type.
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message") (param i32 i32 i32 i32) (result i32) (i32.const 16))
  (func (export "cabi_post_airwasm:component/lifecycle@0.1.0#handle-message") (param i32 i32))
)
