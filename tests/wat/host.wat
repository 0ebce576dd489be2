;; Host imports, globals, fuel and suspension tests.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (global (export "answer") i64 (i64.const 42))
  (memory (export "memory") 1)
  (func (export "call_add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  ;; loops n times, counting in the global; fuel slices can stop it anywhere
  (func (export "spin") (param i32) (result i32) (local $i i32)
    (loop $l
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $i))
  ;; recursion of depth n, spinning m times at the bottom
  (func $deep (export "deep") (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (call 3 (local.get 1)))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)) (local.get 1))))))
  ;; calls the suspending host function in a loop, summing its results
  (func (export "wait_loop") (param i32) (result i32) (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (call $wait (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get $sum))
  (func (export "empty"))
)
