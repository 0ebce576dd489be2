;; Invalid: unknown local index.
(module (func (param i32) (result i32) (local.get 3)))
