;; Invalid: the function leaves two values where one is declared.
(module (func (result i32) (i32.const 1) (i32.const 2)))
