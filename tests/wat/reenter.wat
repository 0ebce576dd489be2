;; Calls a host function that calls back into this instance.
(module
  (import "env" "cb" (func $cb (param i32) (result i32)))
  (func (export "outer") (param i32) (result i32) (i32.add (call $cb (local.get 0)) (i32.const 1)))
  (func (export "inner") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 10)))
  (func (export "fail") (param i32) (result i32) (call $cb (local.get 0))))
