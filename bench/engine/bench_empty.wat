;; One memory page and an empty export: the unit of the call, instantiate and
;; footprint measurements of bench_engine.
(module
  (memory 1)
  (func (export "empty")))
