;; No handle-message, no cabi_realloc, an imported memory, a post-return
;; function without its export and a callback taking a 32-bit request id.
(module
  (import "env" "memory" (memory 1))
  (func (export "cabi_post_airwasm:component/lifecycle@0.1.0#init") (param i32))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-callback") (param i32 i32 i32 i32))
  (func (export "airwasm:component/lifecycle@0.1.0#handle_message")
    (param i32 i32 i32 i32) (result i32) (i32.const 0)))
