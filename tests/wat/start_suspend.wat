;; A start function that calls a host function (which may try to suspend).
(module
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (global (export "g") (mut i32) (i32.const 0))
  (func $start (global.set 0 (call $wait (i32.const 5))))
  (start $start))
