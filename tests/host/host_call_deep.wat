;; `call` made deep in a recursion, with a cabi_realloc that itself recurses:
;; lowering the response runs above the suspended frames and makes the
;; engine's stack grow (move) while the call is suspended. handle-message
;; answers ok(response) from the bottom of the recursion.
(module
  (import "airwasm:component/host@0.1.0" "call" (func $call (param i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 64) "peer")

  (func $sink (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $sink (i32.sub (local.get $n) (i32.const 1)))))))

  (func (export "cabi_realloc") (param i32 i32 i32) (param $size i32) (result i32)
    (local $p i32)
    (drop (call $sink (i32.const 700)))
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $p))

  ;; Recurses n deep, calls, and returns the response's length (checked on
  ;; the way up that every level's locals survived).
  (func $deep (param $n i32) (param $pp i32) (param $pl i32) (result i32)
    (local $mine i32)
    (local.set $mine (i32.mul (local.get $n) (i32.const 7)))
    (if (i32.eqz (local.get $n))
      (then
        (call $call (i32.const 64) (i32.const 4) (local.get $pp) (local.get $pl) (i32.const 50)
                    (i32.const 32))
        (return (i32.load (i32.const 40)))))
    (drop (call $deep (i32.sub (local.get $n) (i32.const 1)) (local.get $pp) (local.get $pl)))
    (if (i32.ne (local.get $mine) (i32.mul (local.get $n) (i32.const 7))) (then unreachable))
    (i32.load (i32.const 40)))

  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32) (param $pp i32) (param $pl i32) (result i32)
    (drop (call $deep (i32.const 300) (local.get $pp) (local.get $pl)))
    (i32.store8 (i32.const 16) (i32.load8_u (i32.const 32)))
    (i32.store (i32.const 20) (i32.load (i32.const 36)))
    (i32.store (i32.const 24) (i32.load (i32.const 40)))
    (i32.const 16)))
