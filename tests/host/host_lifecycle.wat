;; A component with every lifecycle export: a wasi-libc style _initialize,
;; init, handle-callback (recorded for handle-message to report), health
;; (its answer chosen by the last message) and shutdown (which logs "bye").
(module
  (import "airwasm:component/host@0.1.0" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $initialized (mut i32) (i32.const 0))
  (global $inited (mut i32) (i32.const 0))
  (global $callbacks (mut i32) (i32.const 0))
  (global $health (mut i32) (i32.const 0))
  (global $health_posts (mut i32) (i32.const 0))
  (data (i32.const 64) "slow")
  (data (i32.const 72) "bye")
  (data (i32.const 80) "_initialize did not run")

  (func $realloc (export "cabi_realloc")
    (param i32 i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))
    (local.get $p))

  (func $record (param $disc i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (i32.const 16) (local.get $disc))
    (i32.store (i32.const 20) (local.get $ptr))
    (i32.store (i32.const 24) (local.get $len))
    (i32.const 16))

  (func (export "_initialize") (global.set $initialized (i32.const 1)))

  (func (export "airwasm:component/lifecycle@0.1.0#init") (result i32)
    (if (i32.eqz (global.get $initialized))
      (then (return (call $record (i32.const 1) (i32.const 80) (i32.const 23)))))
    (global.set $inited (i32.const 1))
    (call $record (i32.const 0) (i32.const 0) (i32.const 0)))

  ;; Payload "h<digit>" sets the health answer; any message returns the
  ;; report at 200: flags u32 (1 _initialize ran, 2 init ran), callbacks u32,
  ;; last callback: id u64, disc u32, a u32, b u32, then its response bytes.
  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32) (param $pp i32) (param $pl i32) (result i32)
    (local $len i32)
    (if (i32.eq (local.get $pl) (i32.const 2))
      (then (global.set $health (i32.sub (i32.load8_u offset=1 (local.get $pp)) (i32.const 48)))))
    (i32.store (i32.const 200) (i32.add (global.get $initialized)
                                        (i32.mul (global.get $inited) (i32.const 2))))
    (i32.store (i32.const 204) (global.get $callbacks))
    (local.set $len (i32.const 28))
    (if (i32.and (i32.ne (global.get $callbacks) (i32.const 0))
                 (i32.eqz (i32.load (i32.const 216))))
      (then (local.set $len (i32.add (local.get $len) (i32.load (i32.const 224))))))
    (call $record (i32.const 0) (i32.const 200) (local.get $len)))

  (func (export "airwasm:component/lifecycle@0.1.0#handle-callback")
    (param $id i64) (param $disc i32) (param $a i32) (param $b i32)
    (i64.store (i32.const 208) (local.get $id))
    (i32.store (i32.const 216) (local.get $disc))
    (i32.store (i32.const 220) (local.get $a))
    (i32.store (i32.const 224) (local.get $b))
    (if (i32.eqz (local.get $disc))
      (then (memory.copy (i32.const 228) (local.get $a) (local.get $b))))
    (global.set $callbacks (i32.add (global.get $callbacks) (i32.const 1))))

  (func (export "airwasm:component/lifecycle@0.1.0#health") (result i32)
    (call $record (global.get $health) (i32.const 64) (i32.const 4)))

  (func (export "cabi_post_airwasm:component/lifecycle@0.1.0#health") (param i32)
    (global.set $health_posts (i32.add (global.get $health_posts) (i32.const 1))))

  (func (export "airwasm:component/lifecycle@0.1.0#shutdown")
    (call $log (i32.const 2) (i32.const 72) (i32.const 3))))
