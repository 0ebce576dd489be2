;; A cabi_realloc that never returns: the host's cap on glue fuel must stop
;; it even when the component's calls are unmetered.
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0))
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32 i32 i32) (result i32) (i32.const 16)))
