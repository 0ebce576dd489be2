;; Invalid: a block declared to return i64 ends with an i32.
(module (func (result i64) (block (result i64) (i32.const 1))))
