;; A well-formed airwasm component written by hand. handle-message runs the
;; command named by the payload's first byte (the rest is its argument), so
;; one module exercises every host import and every way a guest can hand the
;; host bad data. Responses are copies of the import's result record, so the
;; tests can check the exact bytes the host lowered.
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
  (import "airwasm:component/host@0.1.0" "now-millis" (func $now_millis (result i64)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $count (mut i32) (i32.const 0))
  (global $posts (mut i32) (i32.const 0))

  ;; 16: the export's result record; 32: import out-pointer area (align 8).
  (data (i32.const 64) "peer")
  (data (i32.const 72) "news.x")
  (data (i32.const 80) "news.*")
  (data (i32.const 96) "bad thing")
  (data (i32.const 112) "\ff\fe\fd")

  ;; Bump allocator; grows memory as needed.
  (func $realloc (export "cabi_realloc")
    (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq (memory.grow
                      (i32.add (i32.shr_u (i32.sub (local.get $end)
                                                   (i32.mul (memory.size) (i32.const 65536)))
                                          (i32.const 16))
                               (i32.const 1)))
                    (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $p))

  (func $result (param $disc i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (i32.const 16) (local.get $disc))
    (i32.store (i32.const 20) (local.get $ptr))
    (i32.store (i32.const 24) (local.get $len))
    (i32.const 16))

  (func $ok (param $ptr i32) (param $len i32) (result i32)
    (call $result (i32.const 0) (local.get $ptr) (local.get $len)))

  (func $ok_copy (param $src i32) (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
    (memory.copy (local.get $p) (local.get $src) (local.get $len))
    (call $ok (local.get $p) (local.get $len)))

  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i32)
    (local $cmd i32) (local $tp i32) (local $tl i32) (local $p i32) (local $n i32)
    ;; An empty payload is answered with the sender's id.
    (if (i32.eqz (local.get $pl)) (then (return (call $ok (local.get $sp) (local.get $sl)))))
    (local.set $cmd (i32.load8_u (local.get $pp)))
    (local.set $tp (i32.add (local.get $pp) (i32.const 1)))
    (local.set $tl (i32.sub (local.get $pl) (i32.const 1)))
    ;; 'e': echo the argument
    (if (i32.eq (local.get $cmd) (i32.const 101))
      (then (return (call $ok (local.get $tp) (local.get $tl)))))
    ;; 'i': self-id
    (if (i32.eq (local.get $cmd) (i32.const 105)) (then
      (call $self_id (i32.const 32))
      (return (call $ok (i32.load (i32.const 32)) (i32.load (i32.const 36))))))
    ;; 's': send-message("peer", argument) -> the 2-byte result record
    (if (i32.eq (local.get $cmd) (i32.const 115)) (then
      (i32.store16 (i32.const 32) (i32.const 0xEEEE))
      (call $send_message (i32.const 64) (i32.const 4) (local.get $tp) (local.get $tl) (i32.const 32))
      (return (call $ok_copy (i32.const 32) (i32.const 2)))))
    ;; 'r': send-request("peer", argument, 250) -> the 16-byte record
    (if (i32.eq (local.get $cmd) (i32.const 114)) (then
      (i64.store (i32.const 32) (i64.const 0))
      (i64.store (i32.const 40) (i64.const 0))
      (call $send_request (i32.const 64) (i32.const 4) (local.get $tp) (local.get $tl)
                          (i32.const 250) (i32.const 32))
      (return (call $ok_copy (i32.const 32) (i32.const 16)))))
    ;; 'c': cancel-request(u64 argument) -> the bool as 4 bytes
    (if (i32.eq (local.get $cmd) (i32.const 99)) (then
      (i32.store (i32.const 32) (call $cancel_request (i64.load (local.get $tp))))
      (return (call $ok_copy (i32.const 32) (i32.const 4)))))
    ;; 'C': call("peer", argument, 100) -> the 12-byte record, then the
    ;; response bytes when it is ok
    (if (i32.eq (local.get $cmd) (i32.const 67)) (then
      (call $call (i32.const 64) (i32.const 4) (local.get $tp) (local.get $tl) (i32.const 100)
                  (i32.const 32))
      (local.set $n (i32.const 0))
      (if (i32.eqz (i32.load8_u (i32.const 32))) (then (local.set $n (i32.load (i32.const 40)))))
      (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const 1)
                                   (i32.add (i32.const 12) (local.get $n))))
      (memory.copy (local.get $p) (i32.const 32) (i32.const 12))
      (memory.copy (i32.add (local.get $p) (i32.const 12)) (i32.load (i32.const 36)) (local.get $n))
      (return (call $ok (local.get $p) (i32.add (i32.const 12) (local.get $n))))))
    ;; 'p': publish("news.x", argument)
    (if (i32.eq (local.get $cmd) (i32.const 112)) (then
      (i32.store16 (i32.const 32) (i32.const 0xEEEE))
      (call $publish (i32.const 72) (i32.const 6) (local.get $tp) (local.get $tl) (i32.const 32))
      (return (call $ok_copy (i32.const 32) (i32.const 2)))))
    ;; 'u': subscribe("news.*")
    (if (i32.eq (local.get $cmd) (i32.const 117)) (then
      (i32.store16 (i32.const 32) (i32.const 0xEEEE))
      (call $subscribe (i32.const 80) (i32.const 6) (i32.const 32))
      (return (call $ok_copy (i32.const 32) (i32.const 2)))))
    ;; 'l': log(level = first argument byte, message = the rest)
    (if (i32.eq (local.get $cmd) (i32.const 108)) (then
      (call $log (i32.load8_u (local.get $tp)) (i32.add (local.get $tp) (i32.const 1))
                 (i32.sub (local.get $tl) (i32.const 1)))
      (return (call $ok (i32.const 0) (i32.const 0)))))
    ;; 'n': now-millis as 8 bytes
    (if (i32.eq (local.get $cmd) (i32.const 110)) (then
      (i64.store (i32.const 32) (call $now_millis))
      (return (call $ok_copy (i32.const 32) (i32.const 8)))))
    ;; 'x': err("bad thing")
    (if (i32.eq (local.get $cmd) (i32.const 120))
      (then (return (call $result (i32.const 1) (i32.const 96) (i32.const 9)))))
    ;; 'k': a counter that lives across messages
    (if (i32.eq (local.get $cmd) (i32.const 107)) (then
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (i32.store (i32.const 32) (global.get $count))
      (return (call $ok_copy (i32.const 32) (i32.const 4)))))
    ;; 'o': how many times post-return ran
    (if (i32.eq (local.get $cmd) (i32.const 111)) (then
      (i32.store (i32.const 32) (global.get $posts))
      (return (call $ok_copy (i32.const 32) (i32.const 4)))))
    ;; 'y': spin (first argument byte) x 10000 times, then echo the rest
    (if (i32.eq (local.get $cmd) (i32.const 121)) (then
      (local.set $n (i32.mul (i32.load8_u (local.get $tp)) (i32.const 10000)))
      (block $done
        (loop $spin
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $spin)))
      (return (call $ok (i32.add (local.get $tp) (i32.const 1))
                        (i32.sub (local.get $tl) (i32.const 1))))))
    ;; 'Y': spin forever
    (if (i32.eq (local.get $cmd) (i32.const 89)) (then (loop $forever (br $forever))))
    ;; 'q': unreachable
    (if (i32.eq (local.get $cmd) (i32.const 113)) (then unreachable))

    ;; Hostile uses of the imports.
    ;; 'S': target string far outside memory
    (if (i32.eq (local.get $cmd) (i32.const 83)) (then
      (call $send_message (i32.const 0xFFFFFFF0) (i32.const 32) (local.get $tp) (local.get $tl)
                          (i32.const 32))))
    ;; 'L': payload of 4 GiB - 1
    (if (i32.eq (local.get $cmd) (i32.const 76)) (then
      (call $send_message (i32.const 64) (i32.const 4) (i32.const 0) (i32.const 0xFFFFFFFF)
                          (i32.const 32))))
    ;; 'O': ptr + len wraps around 2^32
    (if (i32.eq (local.get $cmd) (i32.const 79)) (then
      (call $send_message (i32.const 64) (i32.const 4) (i32.const 0xFFFFFF00) (i32.const 0x200)
                          (i32.const 32))))
    ;; 'U': target is not UTF-8
    (if (i32.eq (local.get $cmd) (i32.const 85)) (then
      (call $send_message (i32.const 112) (i32.const 3) (local.get $tp) (local.get $tl)
                          (i32.const 32))))
    ;; 'R': out-pointer outside memory
    (if (i32.eq (local.get $cmd) (i32.const 82)) (then
      (call $send_message (i32.const 64) (i32.const 4) (local.get $tp) (local.get $tl)
                          (i32.const 0xFFFFFFFF))))
    ;; 'A': out-pointer of send-request not 8-aligned
    (if (i32.eq (local.get $cmd) (i32.const 65)) (then
      (call $send_request (i32.const 64) (i32.const 4) (local.get $tp) (local.get $tl)
                          (i32.const 250) (i32.const 36))))
    ;; 'V': log level past the enum
    (if (i32.eq (local.get $cmd) (i32.const 86)) (then
      (call $log (i32.const 7) (local.get $tp) (local.get $tl))))
    ;; 'H': self-id out-pointer at the end of memory
    (if (i32.eq (local.get $cmd) (i32.const 72)) (then (call $self_id (i32.const 65532))))
    ;; Hostile results of handle-message itself.
    ;; 'B': result pointer outside memory
    (if (i32.eq (local.get $cmd) (i32.const 66)) (then (return (i32.const 0xFFFFFFF8))))
    ;; 'M': result pointer not 4-aligned
    (if (i32.eq (local.get $cmd) (i32.const 77)) (then (return (i32.const 18))))
    ;; 'D': discriminant 5
    (if (i32.eq (local.get $cmd) (i32.const 68))
      (then (return (call $result (i32.const 5) (i32.const 0) (i32.const 0)))))
    ;; 'P': ok list outside memory
    (if (i32.eq (local.get $cmd) (i32.const 80))
      (then (return (call $result (i32.const 0) (i32.const 0xFFFF0000) (i32.const 0x20000)))))
    ;; 'W': err string that is not UTF-8
    (if (i32.eq (local.get $cmd) (i32.const 87))
      (then (return (call $result (i32.const 1) (i32.const 112) (i32.const 3)))))
    (call $result (i32.const 1) (i32.const 96) (i32.const 9)))

  (func (export "cabi_post_airwasm:component/lifecycle@0.1.0#handle-message") (param i32)
    (global.set $posts (i32.add (global.get $posts) (i32.const 1)))))
