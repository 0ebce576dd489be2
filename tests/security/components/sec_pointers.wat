;; sec_pointers: one host import per command, called with pointers or lengths
;; outside linear memory (or text that is not UTF-8). The command is the
;; payload's second byte (the first is the 0x55 raw prefix). Component imports
;; return nothing: surviving one answers ok("survived"). WASI imports return
;; an errno: the answer is ok(0x55, errno). Anything else (e.g. "0"): ok(payload), an echo.
;; The same list, with descriptions, is in tests/security/sec_pointers.h.
(module
  (import "airwasm:component/host@0.1.0" "self-id" (func $self_id (param i32)))
  (import "airwasm:component/host@0.1.0" "send-message" (func $send (param i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "send-request" (func $request (param i32 i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "call" (func $call (param i32 i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "publish" (func $publish (param i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "subscribe" (func $subscribe (param i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "log" (func $log (param i32 i32 i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 256) "v")          ;; a target id
  (data (i32.const 264) "\55x")       ;; a raw payload
  (data (i32.const 280) "t")          ;; a topic
  (data (i32.const 300) "\ff\fe")     ;; not UTF-8
  (data (i32.const 310) "\c0\80")     ;; overlong UTF-8
  (data (i32.const 400) "survived")
  ;; iovec {buf 0xffff0000, len 100} and a valid iovec {buf 264, len 2}
  (data (i32.const 512) "\00\00\ff\ff\64\00\00\00\08\01\00\00\02\00\00\00")
  (global $heap (mut i32) (i32.const 4096))

  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    (local.get $p))

  ;; ok(ptr, len) in the return area at 16.
  (func $ok (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (local.get $ptr))
    (i32.store (i32.const 24) (local.get $len))
    (i32.const 16))

  ;; ok(0x55, errno)
  (func $errno (param $e i32) (result i32)
    (i32.store8 (i32.const 40) (i32.const 0x55))
    (i32.store8 (i32.const 41) (local.get $e))
    (call $ok (i32.const 40) (i32.const 2)))

  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param $sptr i32) (param $slen i32) (param $pptr i32) (param $plen i32) (result i32)
    (local $cmd i32)
    (if (i32.ge_u (local.get $plen) (i32.const 2))
      (then (local.set $cmd (i32.load8_u offset=1 (local.get $pptr)))))
    (if (i32.eq (local.get $cmd) (i32.const 97)) ;; a: self-id return area outside memory
      (then (call $self_id (i32.const 0xfffffff8))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 98)) ;; b: send-message target pointer outside memory
      (then (call $send (i32.const 0xfffffff0) (i32.const 16) (i32.const 264) (i32.const 2) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 99)) ;; c: send-message payload straddling the end of memory
      (then (call $send (i32.const 256) (i32.const 1) (i32.const 0xffff) (i32.const 2) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 100)) ;; d: send-message return area outside memory
      (then (call $send (i32.const 256) (i32.const 1) (i32.const 264) (i32.const 2) (i32.const 0x10000))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 101)) ;; e: send-request target pointer outside memory
      (then (call $request (i32.const 0xfffffff0) (i32.const 16) (i32.const 264) (i32.const 2) (i32.const 100) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 102)) ;; f: send-request payload length 4 GiB - 1
      (then (call $request (i32.const 256) (i32.const 1) (i32.const 264) (i32.const 0xffffffff) (i32.const 100) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 103)) ;; g: send-request return area outside memory
      (then (call $request (i32.const 256) (i32.const 1) (i32.const 264) (i32.const 2) (i32.const 100) (i32.const 0xfffffff8))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 104)) ;; h: call target pointer outside memory
      (then (call $call (i32.const 0xfffffff0) (i32.const 16) (i32.const 264) (i32.const 2) (i32.const 100) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 105)) ;; i: call payload straddling the end of memory
      (then (call $call (i32.const 256) (i32.const 1) (i32.const 0xfff0) (i32.const 0x20) (i32.const 100) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 106)) ;; j: call return area outside memory
      (then (call $call (i32.const 256) (i32.const 1) (i32.const 264) (i32.const 2) (i32.const 100) (i32.const 0xfffffff0))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 107)) ;; k: publish topic pointer outside memory
      (then (call $publish (i32.const 0xfffffff0) (i32.const 16) (i32.const 264) (i32.const 2) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 108)) ;; l: publish payload pointer + length wrapping 32 bits
      (then (call $publish (i32.const 280) (i32.const 1) (i32.const 0xffffffff) (i32.const 2) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 109)) ;; m: publish return area outside memory
      (then (call $publish (i32.const 280) (i32.const 1) (i32.const 264) (i32.const 2) (i32.const 0x10000))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 110)) ;; n: subscribe pattern pointer outside memory
      (then (call $subscribe (i32.const 0xfffffff0) (i32.const 16) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 111)) ;; o: subscribe return area outside memory
      (then (call $subscribe (i32.const 280) (i32.const 1) (i32.const 0xfffffffc))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 112)) ;; p: log message pointer outside memory
      (then (call $log (i32.const 2) (i32.const 0xfffffff0) (i32.const 16))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 117)) ;; u: send-message target not UTF-8
      (then (call $send (i32.const 300) (i32.const 2) (i32.const 264) (i32.const 2) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 118)) ;; v: log message not UTF-8
      (then (call $log (i32.const 2) (i32.const 300) (i32.const 2))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 119)) ;; w: subscribe pattern in overlong UTF-8
      (then (call $subscribe (i32.const 310) (i32.const 2) (i32.const 64))
            (return (call $ok (i32.const 400) (i32.const 8)))))
    (if (i32.eq (local.get $cmd) (i32.const 65)) ;; A: fd_write iovec array outside memory
      (then (return (call $errno (call $fd_write (i32.const 1) (i32.const 0xfffffff0) (i32.const 1) (i32.const 64))))))
    (if (i32.eq (local.get $cmd) (i32.const 66)) ;; B: fd_write iovec pointing outside memory
      (then (return (call $errno (call $fd_write (i32.const 1) (i32.const 512) (i32.const 1) (i32.const 64))))))
    (if (i32.eq (local.get $cmd) (i32.const 67)) ;; C: fd_write nwritten outside memory
      (then (return (call $errno (call $fd_write (i32.const 1) (i32.const 520) (i32.const 1) (i32.const 0xfffffffe))))))
    (if (i32.eq (local.get $cmd) (i32.const 68)) ;; D: random_get buffer outside memory
      (then (return (call $errno (call $random_get (i32.const 0xfffffff0) (i32.const 100))))))
    (if (i32.eq (local.get $cmd) (i32.const 69)) ;; E: args_sizes_get result outside memory
      (then (return (call $errno (call $args_sizes_get (i32.const 0xfffffffc) (i32.const 64))))))
    (if (i32.eq (local.get $cmd) (i32.const 70)) ;; F: args_get pointers outside memory
      (then (return (call $errno (call $args_get (i32.const 0xfffffff0) (i32.const 0xfffffff0))))))
    (if (i32.eq (local.get $cmd) (i32.const 71)) ;; G: environ_sizes_get result outside memory
      (then (return (call $errno (call $environ_sizes_get (i32.const 0xfffffffc) (i32.const 64))))))
    (if (i32.eq (local.get $cmd) (i32.const 72)) ;; H: environ_get pointers outside memory
      (then (return (call $errno (call $environ_get (i32.const 0xfffffff0) (i32.const 0xfffffff0))))))
    (if (i32.eq (local.get $cmd) (i32.const 73)) ;; I: clock_time_get result outside memory
      (then (return (call $errno (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 0xfffffffc))))))
    (if (i32.eq (local.get $cmd) (i32.const 74)) ;; J: fd_fdstat_get result outside memory
      (then (return (call $errno (call $fd_fdstat_get (i32.const 1) (i32.const 0xfffffff0))))))
    (if (i32.eq (local.get $cmd) (i32.const 75)) ;; K: clock_res_get result outside memory
      (then (return (call $errno (call $clock_res_get (i32.const 0) (i32.const 0xfffffffc))))))
    (if (i32.eq (local.get $cmd) (i32.const 76)) ;; L: fd_seek result outside memory
      (then (return (call $errno (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 0xfffffffc))))))
    (if (i32.eq (local.get $cmd) (i32.const 77)) ;; M: random_get length 4 GiB - 1
      (then (return (call $errno (call $random_get (i32.const 64) (i32.const 0xffffffff))))))
    (call $ok (local.get $pptr) (local.get $plen)))

  (func (export "cabi_post_airwasm:component/lifecycle@0.1.0#handle-message") (param i32)
    (global.set $heap (i32.const 4096))))
