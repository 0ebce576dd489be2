;; The guest of the host-ABI fuzz target (tests/fuzz/fuzz_host_abi.c): it
;; passes raw, fuzzer-chosen values to a host import, then returns a
;; fuzzer-chosen result pointer over a fuzzer-written record. Payload: cmd u8,
;; six u32 arguments, the u32 pointer to return.
(module
  (import "airwasm:component/host@0.1.0" "self-id" (func $self_id (param i32)))
  (import "airwasm:component/host@0.1.0" "send-message"
    (func $send_message (param i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "send-request"
    (func $send_request (param i32 i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "cancel-request"
    (func $cancel_request (param i64) (result i32)))
  (import "airwasm:component/host@0.1.0" "call" (func $call (param i32 i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "publish" (func $publish (param i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "subscribe" (func $subscribe (param i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "log" (func $log (param i32 i32 i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))

  (memory (export "memory") 1 4)
  (global $heap (mut i32) (i32.const 4096))

  (func (export "cabi_realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    ;; Wraps around inside the first page rather than growing without end.
    (if (i32.gt_u (local.get $size) (i32.const 32768)) (then (return (i32.const 0xFFFF0000))))
    (if (i32.gt_u (i32.add (global.get $heap) (local.get $size)) (i32.const 65536))
      (then (global.set $heap (i32.const 4096))))
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $p))

  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32) (param $pp i32) (param $pl i32) (result i32)
    (local $cmd i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $a4 i32) (local $a5 i32)
    (if (i32.lt_u (local.get $pl) (i32.const 29))
      (then (i32.store (i32.const 16) (i32.const 0))
            (i32.store (i32.const 20) (i32.const 0))
            (i32.store (i32.const 24) (i32.const 0))
            (return (i32.const 16))))
    (local.set $cmd (i32.rem_u (i32.load8_u (local.get $pp)) (i32.const 14)))
    (local.set $a0 (i32.load offset=1 (local.get $pp)))
    (local.set $a1 (i32.load offset=5 (local.get $pp)))
    (local.set $a2 (i32.load offset=9 (local.get $pp)))
    (local.set $a3 (i32.load offset=13 (local.get $pp)))
    (local.set $a4 (i32.load offset=17 (local.get $pp)))
    (local.set $a5 (i32.load offset=21 (local.get $pp)))
    (block $done
      (if (i32.eq (local.get $cmd) (i32.const 0)) (then (call $self_id (local.get $a0)) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 1)) (then
        (call $send_message (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)
                            (local.get $a4)) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 2)) (then
        (call $send_request (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)
                            (local.get $a4) (local.get $a5)) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 3)) (then
        (drop (call $cancel_request (i64.load offset=1 (local.get $pp)))) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 4)) (then
        (call $call (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)
                    (local.get $a4) (local.get $a5)) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 5)) (then
        (call $publish (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)
                       (local.get $a4)) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 6)) (then
        (call $subscribe (local.get $a0) (local.get $a1) (local.get $a2)) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 7)) (then
        (call $log (local.get $a0) (local.get $a1) (local.get $a2)) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 8)) (then
        (drop (call $fd_write (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)))
        (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 9)) (then
        (drop (call $args_get (local.get $a0) (local.get $a1))) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 10)) (then
        (drop (call $environ_get (local.get $a0) (local.get $a1))) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 11)) (then
        (drop (call $random_get (local.get $a0) (local.get $a1))) (br $done)))
      (if (i32.eq (local.get $cmd) (i32.const 12)) (then
        (drop (call $clock_time_get (local.get $a0) (i64.const 0) (local.get $a1))) (br $done)))
      (drop (call $fd_fdstat_get (local.get $a0) (local.get $a1))))
    ;; The record at 16 is the first 12 argument bytes; the pointer returned
    ;; is the last u32 of the payload.
    (memory.copy (i32.const 16) (i32.add (local.get $pp) (i32.const 1)) (i32.const 12))
    (i32.load offset=25 (local.get $pp))))
