;; Batched float32 matrix products with 128-bit SIMD, for tfjs's wasm backend (whose own BatchMatMul
;; kernel runs batched and transposed products through a scalar loop at about 1 GFLOP/s).
;; All pointers are byte offsets into this module's memory; matrices are row-major, batch-major.
;; Build: `node tools/build_wasm_kernels.mjs` compiles this file into batchMatMulWasm.ts.
(module
  (memory (export "memory") 1)

  ;; o[b, i, j] = sum_k a[b, i, k] * x[b, k, j]   a [batch, M, K], x [batch, K, N], o [batch, M, N]
  ;; Two rows of o at a time share each load of x; columns go four at a time, then one at a time.
  ;; $spare: N floats of scratch, the second output row when M is odd.
  (func (export "matmul")
    (param $a i32) (param $x i32) (param $o i32) (param $batch i32) (param $M i32) (param $K i32) (param $N i32)
    (param $spare i32)
    (local $b i32) (local $i i32) (local $k i32) (local $j i32) (local $n4 i32) (local $rowBytes i32)
    (local $a0 i32) (local $a1 i32) (local $o0 i32) (local $o1 i32) (local $xk i32) (local $xb i32)
    (local $s0 f32) (local $s1 f32) (local $v0 v128) (local $v1 v128) (local $xv v128) (local $off i32)
    (local.set $n4 (i32.and (local.get $N) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 2)))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $xb (i32.add (local.get $x)
        (i32.shl (i32.mul (local.get $b) (i32.mul (local.get $K) (local.get $N))) (i32.const 2))))
      (local.set $i (i32.const 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $M)))
        ;; rows i and i+1; for the last row of an odd M, row i+1 reads row i and writes to $spare
        (local.set $a0 (i32.add (local.get $a)
          (i32.shl (i32.mul (i32.add (i32.mul (local.get $b) (local.get $M)) (local.get $i)) (local.get $K)) (i32.const 2))))
        (local.set $o0 (i32.add (local.get $o)
          (i32.shl (i32.mul (i32.add (i32.mul (local.get $b) (local.get $M)) (local.get $i)) (local.get $N)) (i32.const 2))))
        (local.set $a1 (local.get $a0))
        (local.set $o1 (local.get $spare))
        (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $M))
          (then
            (local.set $a1 (i32.add (local.get $a0) (i32.shl (local.get $K) (i32.const 2))))
            (local.set $o1 (i32.add (local.get $o0) (local.get $rowBytes)))))
        (memory.fill (local.get $o0) (i32.const 0) (local.get $rowBytes))
        (memory.fill (local.get $o1) (i32.const 0) (local.get $rowBytes))
        (local.set $k (i32.const 0))
        (block $kDone (loop $kLoop
          (br_if $kDone (i32.ge_u (local.get $k) (local.get $K)))
          (local.set $s0 (f32.load (i32.add (local.get $a0) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $s1 (f32.load (i32.add (local.get $a1) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $v0 (f32x4.splat (local.get $s0)))
          (local.set $v1 (f32x4.splat (local.get $s1)))
          (local.set $xk (i32.add (local.get $xb) (i32.mul (local.get $k) (local.get $rowBytes))))
          (local.set $j (i32.const 0))
          (block $jDone (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $n4)))
            (local.set $off (i32.shl (local.get $j) (i32.const 2)))
            (local.set $xv (v128.load (i32.add (local.get $xk) (local.get $off))))
            (v128.store (i32.add (local.get $o0) (local.get $off))
              (f32x4.add (v128.load (i32.add (local.get $o0) (local.get $off))) (f32x4.mul (local.get $v0) (local.get $xv))))
            (v128.store (i32.add (local.get $o1) (local.get $off))
              (f32x4.add (v128.load (i32.add (local.get $o1) (local.get $off))) (f32x4.mul (local.get $v1) (local.get $xv))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $jLoop)))
          (block $rDone (loop $rLoop
            (br_if $rDone (i32.ge_u (local.get $j) (local.get $N)))
            (local.set $off (i32.shl (local.get $j) (i32.const 2)))
            (f32.store (i32.add (local.get $o0) (local.get $off))
              (f32.add (f32.load (i32.add (local.get $o0) (local.get $off)))
                (f32.mul (local.get $s0) (f32.load (i32.add (local.get $xk) (local.get $off))))))
            (f32.store (i32.add (local.get $o1) (local.get $off))
              (f32.add (f32.load (i32.add (local.get $o1) (local.get $off)))
                (f32.mul (local.get $s1) (f32.load (i32.add (local.get $xk) (local.get $off))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $rLoop)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $iLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )

  ;; dst[b, c, r] = src[b, r, c]   src [batch, R, C], dst [batch, C, R]
  (func (export "transpose")
    (param $src i32) (param $dst i32) (param $batch i32) (param $R i32) (param $C i32)
    (local $b i32) (local $r i32) (local $c i32) (local $s i32) (local $d i32) (local $rowOut i32)
    (local.set $rowOut (i32.shl (local.get $R) (i32.const 2)))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $r (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $R)))
        (local.set $s (i32.add (local.get $src)
          (i32.shl (i32.mul (i32.add (i32.mul (local.get $b) (local.get $R)) (local.get $r)) (local.get $C)) (i32.const 2))))
        (local.set $d (i32.add (local.get $dst)
          (i32.shl (i32.add (i32.mul (i32.mul (local.get $b) (local.get $C)) (local.get $R)) (local.get $r)) (i32.const 2))))
        (local.set $c (i32.const 0))
        (block $cDone (loop $cLoop
          (br_if $cDone (i32.ge_u (local.get $c) (local.get $C)))
          (f32.store (local.get $d) (f32.load (local.get $s)))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
          (local.set $d (i32.add (local.get $d) (local.get $rowOut)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )
)
