;; Exports one of each kind for instance-to-instance linking.
(module
  (func (export "triple") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (memory (export "mem") 1 3)
  (global (export "g") (mut i32) (i32.const 10))
  (global (export "k") i64 (i64.const 99))
  (table (export "tab") 2 funcref)
  (func (export "read") (param i32) (result i32) (i32.load (local.get 0))))
