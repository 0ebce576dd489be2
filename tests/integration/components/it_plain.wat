;; A valid WebAssembly module that is not a component (no handle-message).
(module
  (memory (export "memory") 1)
  (func (export "run") (result i32) (i32.const 42)))
