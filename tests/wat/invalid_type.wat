;; Invalid: i32.add of an i64 (built with wat2wasm --no-check).
(module (func (result i32) (i32.add (i32.const 1) (i64.const 2))))
