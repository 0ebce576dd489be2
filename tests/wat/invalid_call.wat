;; Invalid: call with an argument of the wrong type.
(module (func $f (param i64)) (func (call $f (i32.const 0))))
