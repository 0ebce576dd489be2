;; hostile: a component written at core level that misuses the ABI on command.
;; The command is the payload's second byte (the first is the codec prefix):
;;   p  send-message with a target pointer past the end of memory
;;   l  send-message with a payload length of 4 GiB - 1
;;   u  send-message with a target that is not UTF-8 (ff fe)
;;   w  publish with an overlong UTF-8 topic (c0 80)
;;   s  subscribe with a pattern that is not UTF-8
;;   g  log with level 7 (the enum has 5 cases)
;;   r  send-message with its return area outside memory
;;   a  send-request with a return area misaligned for its u64 result
;;   m  call with a payload length of 2 GiB - 1
;;   k  self-id while cabi_realloc hands out a pointer outside memory
;;   x  handle-message returns a result pointer outside memory
;;   q  handle-message returns a misaligned result pointer
;;   y  ok(list) whose pointer is outside memory
;;   z  err(string) that is not UTF-8
;;   d  a result discriminant of 7
;; anything else: ok(payload), an echo.
(module
  (import "airwasm:component/host@0.1.0" "send-message"
    (func $send (param i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "send-request"
    (func $request (param i32 i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "call"
    (func $call (param i32 i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "publish"
    (func $publish (param i32 i32 i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "subscribe"
    (func $subscribe (param i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "log" (func $log (param i32 i32 i32)))
  (import "airwasm:component/host@0.1.0" "self-id" (func $self_id (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 256) "x")
  (data (i32.const 300) "\ff\fe")
  (data (i32.const 310) "\c0\80")
  (global $heap (mut i32) (i32.const 4096))
  (global $evil (mut i32) (i32.const 0))

  ;; A bump allocator, reset by the post-return function; when $evil is set
  ;; it answers with an address past the end of memory.
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (if (global.get $evil) (then (return (i32.const 0xfffffff0))))
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    (local.get $p))

  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param $sptr i32) (param $slen i32) (param $pptr i32) (param $plen i32) (result i32)
    (local $cmd i32)
    (if (i32.ge_u (local.get $plen) (i32.const 2))
      (then (local.set $cmd (i32.load8_u offset=1 (local.get $pptr)))))
    (if (i32.eq (local.get $cmd) (i32.const 0x70)) ;; p
      (then (call $send (i32.const 0xffffff00) (i32.const 0x200)
                        (local.get $pptr) (local.get $plen) (i32.const 64))))
    (if (i32.eq (local.get $cmd) (i32.const 0x6c)) ;; l
      (then (call $send (i32.const 256) (i32.const 1)
                        (i32.const 1024) (i32.const 0xffffffff) (i32.const 64))))
    (if (i32.eq (local.get $cmd) (i32.const 0x75)) ;; u
      (then (call $send (i32.const 300) (i32.const 2)
                        (local.get $pptr) (local.get $plen) (i32.const 64))))
    (if (i32.eq (local.get $cmd) (i32.const 0x77)) ;; w
      (then (call $publish (i32.const 310) (i32.const 2)
                           (local.get $pptr) (local.get $plen) (i32.const 64))))
    (if (i32.eq (local.get $cmd) (i32.const 0x73)) ;; s
      (then (call $subscribe (i32.const 300) (i32.const 2) (i32.const 64))))
    (if (i32.eq (local.get $cmd) (i32.const 0x67)) ;; g
      (then (call $log (i32.const 7) (i32.const 256) (i32.const 1))))
    (if (i32.eq (local.get $cmd) (i32.const 0x72)) ;; r
      (then (call $send (i32.const 256) (i32.const 1)
                        (local.get $pptr) (local.get $plen) (i32.const 0xffffffff))))
    (if (i32.eq (local.get $cmd) (i32.const 0x61)) ;; a
      (then (call $request (i32.const 256) (i32.const 1) (local.get $pptr) (local.get $plen)
                           (i32.const 100) (i32.const 17))))
    (if (i32.eq (local.get $cmd) (i32.const 0x6d)) ;; m
      (then (call $call (i32.const 256) (i32.const 1) (i32.const 1024) (i32.const 0x7fffffff)
                        (i32.const 1000) (i32.const 64))))
    (if (i32.eq (local.get $cmd) (i32.const 0x6b)) ;; k
      (then (global.set $evil (i32.const 1))
            (call $self_id (i32.const 64))))
    (if (i32.eq (local.get $cmd) (i32.const 0x78)) ;; x
      (then (return (i32.const 0xfffffff0))))
    (if (i32.eq (local.get $cmd) (i32.const 0x71)) ;; q
      (then (return (i32.const 18))))
    (if (i32.eq (local.get $cmd) (i32.const 0x79)) ;; y
      (then (i32.store8 (i32.const 16) (i32.const 0))
            (i32.store (i32.const 20) (i32.const 0xffff0000))
            (i32.store (i32.const 24) (i32.const 100))
            (return (i32.const 16))))
    (if (i32.eq (local.get $cmd) (i32.const 0x7a)) ;; z
      (then (i32.store8 (i32.const 16) (i32.const 1))
            (i32.store (i32.const 20) (i32.const 300))
            (i32.store (i32.const 24) (i32.const 2))
            (return (i32.const 16))))
    (if (i32.eq (local.get $cmd) (i32.const 0x64)) ;; d
      (then (i32.store8 (i32.const 16) (i32.const 7))
            (return (i32.const 16))))
    ;; Echo: ok(payload).
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (local.get $pptr))
    (i32.store (i32.const 24) (local.get $plen))
    (i32.const 16))

  (func (export "cabi_post_airwasm:component/lifecycle@0.1.0#handle-message") (param i32)
    (global.set $heap (i32.const 4096))))
