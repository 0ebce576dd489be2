;; A component using the WASI preview1 subset directly. handle-message runs
;; the command named by the payload's first byte and answers with the errno
;; values and bytes WASI gave it.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get"
    (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 8192))
  (data (i32.const 120) "hello ")

  (func (export "cabi_realloc") (param i32 i32 i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $p))

  (func $ok (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (local.get $ptr))
    (i32.store (i32.const 24) (local.get $len))
    (i32.const 16))

  ;; Writes (ptr, len) to fd as one iovec; answers errno u32, nwritten u32.
  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 32) (local.get $ptr))
    (i32.store (i32.const 36) (local.get $len))
    (i32.store (i32.const 48) (call $fd_write (local.get $fd) (i32.const 32) (i32.const 1)
                                              (i32.const 52)))
    (call $ok (i32.const 48) (i32.const 8)))

  ;; Answers argc u32, size u32, each pointer minus the buffer's address,
  ;; then the buffer: args (env = 0) or the environment (env = 1).
  (func $strings (param $env i32) (result i32)
    (local $count i32) (local $size i32) (local $i i32)
    (if (local.get $env)
      (then (drop (call $environ_sizes_get (i32.const 3000) (i32.const 3004)))
            (drop (call $environ_get (i32.const 1024) (i32.const 2048))))
      (else (drop (call $args_sizes_get (i32.const 3000) (i32.const 3004)))
            (drop (call $args_get (i32.const 1024) (i32.const 2048)))))
    (local.set $count (i32.load (i32.const 3000)))
    (local.set $size (i32.load (i32.const 3004)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i32.store (i32.add (i32.const 3008) (i32.mul (local.get $i) (i32.const 4)))
                   (i32.sub (i32.load (i32.add (i32.const 1024) (i32.mul (local.get $i) (i32.const 4))))
                            (i32.const 2048)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (memory.copy (i32.add (i32.const 3008) (i32.mul (local.get $count) (i32.const 4)))
                 (i32.const 2048) (local.get $size))
    (call $ok (i32.const 3000)
              (i32.add (i32.add (i32.const 8) (i32.mul (local.get $count) (i32.const 4)))
                       (local.get $size))))

  (func (export "airwasm:component/lifecycle@0.1.0#handle-message")
    (param i32 i32) (param $pp i32) (param $pl i32) (result i32)
    (local $cmd i32) (local $tp i32) (local $tl i32)
    (local.set $cmd (i32.load8_u (local.get $pp)))
    (local.set $tp (i32.add (local.get $pp) (i32.const 1)))
    (local.set $tl (i32.sub (local.get $pl) (i32.const 1)))
    ;; 'w' / 'e': write the argument to fd 1 / fd 2; '9': to fd 9
    (if (i32.eq (local.get $cmd) (i32.const 119))
      (then (return (call $write (i32.const 1) (local.get $tp) (local.get $tl)))))
    (if (i32.eq (local.get $cmd) (i32.const 101))
      (then (return (call $write (i32.const 2) (local.get $tp) (local.get $tl)))))
    (if (i32.eq (local.get $cmd) (i32.const 57))
      (then (return (call $write (i32.const 9) (local.get $tp) (local.get $tl)))))
    ;; 'v': two iovecs, "hello " and the argument, to fd 1
    (if (i32.eq (local.get $cmd) (i32.const 118)) (then
      (i32.store (i32.const 32) (i32.const 120))
      (i32.store (i32.const 36) (i32.const 6))
      (i32.store (i32.const 40) (local.get $tp))
      (i32.store (i32.const 44) (local.get $tl))
      (i32.store (i32.const 48) (call $fd_write (i32.const 1) (i32.const 32) (i32.const 2)
                                                (i32.const 52)))
      (return (call $ok (i32.const 48) (i32.const 8)))))
    ;; 'a' / 'n': args / environment
    (if (i32.eq (local.get $cmd) (i32.const 97)) (then (return (call $strings (i32.const 0)))))
    (if (i32.eq (local.get $cmd) (i32.const 110)) (then (return (call $strings (i32.const 1)))))
    ;; 'x': proc_exit(first argument byte)
    (if (i32.eq (local.get $cmd) (i32.const 120))
      (then (call $proc_exit (i32.load8_u (local.get $tp)))))
    ;; 't': realtime u64, monotonic u64, their errnos
    (if (i32.eq (local.get $cmd) (i32.const 116)) (then
      (i32.store (i32.const 80) (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 64)))
      (i32.store (i32.const 84) (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 72)))
      (return (call $ok (i32.const 64) (i32.const 24)))))
    ;; 'r': 32 random bytes and the errno
    (if (i32.eq (local.get $cmd) (i32.const 114)) (then
      (i32.store (i32.const 96) (call $random_get (i32.const 64) (i32.const 32)))
      (return (call $ok (i32.const 64) (i32.const 36)))))
    ;; 'f': fdstat of fd (first argument byte) and the errno
    (if (i32.eq (local.get $cmd) (i32.const 102)) (then
      (i32.store (i32.const 88) (call $fd_fdstat_get (i32.load8_u (local.get $tp)) (i32.const 64)))
      (return (call $ok (i32.const 64) (i32.const 28)))))
    ;; 'k': errnos of the functions that have nothing to do
    (if (i32.eq (local.get $cmd) (i32.const 107)) (then
      (i32.store (i32.const 200) (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 32)))
      (i32.store (i32.const 204) (call $fd_seek (i32.const 7) (i64.const 0) (i32.const 0) (i32.const 32)))
      (i32.store (i32.const 208) (call $fd_close (i32.const 2)))
      (i32.store (i32.const 212) (call $fd_close (i32.const 9)))
      (i32.store (i32.const 216) (call $fd_read (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 36)))
      (i32.store (i32.const 220) (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 1)
                                                  (i32.const 0) (i64.const 0) (i64.const 0)
                                                  (i32.const 0) (i32.const 40)))
      (i32.store (i32.const 224) (call $fd_prestat_get (i32.const 3) (i32.const 32)))
      (i32.store (i32.const 228) (call $sched_yield))
      (i32.store (i32.const 232) (call $clock_time_get (i32.const 9) (i64.const 0) (i32.const 32)))
      (i32.store (i32.const 236) (call $clock_res_get (i32.const 1) (i32.const 32)))
      (return (call $ok (i32.const 200) (i32.const 40)))))
    ;; Hostile pointers. 'B': iovec array outside memory
    (if (i32.eq (local.get $cmd) (i32.const 66)) (then
      (drop (call $fd_write (i32.const 1) (i32.const 0xFFFFFFF8) (i32.const 2) (i32.const 52)))))
    ;; 'I': an iovec whose buffer is outside memory
    (if (i32.eq (local.get $cmd) (i32.const 73)) (then
      (i32.store (i32.const 32) (i32.const 0xFFFF0000))
      (i32.store (i32.const 36) (i32.const 0x20000))
      (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 52)))))
    ;; 'N': nwritten pointer outside memory
    (if (i32.eq (local.get $cmd) (i32.const 78)) (then
      (i32.store (i32.const 32) (i32.const 120))
      (i32.store (i32.const 36) (i32.const 6))
      (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 0xFFFFFFFE)))))
    ;; 'R': random bytes past the end of memory
    (if (i32.eq (local.get $cmd) (i32.const 82)) (then
      (drop (call $random_get (i32.const 65530) (i32.const 100)))))
    (call $ok (i32.const 0) (i32.const 0))))
