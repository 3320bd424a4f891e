;; Kernels of the inference block (blockKernel.ts) that the matmul and fused modules lack: softmax over
;; rows with a scale (SIMD exp), the head split/merge permutation, a column gather and an in-place add. The module
;; imports its memory, so it shares one arena with the matmul and fused modules of the same block kernel.
;; All pointers are byte offsets into that memory.
;; Build: `node tools/build_wasm_kernels.mjs` compiles this file into attentionOpsWasm.ts.
(module
  (import "env" "memory" (memory 1))

  ;; e^v for four lanes, v <= 0 (clamped to >= -87): v = n ln2 + r (|r| <= ln2/2), e^r by a degree-6
  ;; Taylor polynomial (relative error < 2e-7), 2^n from the bits of v log2(e) + 1.5·2^23 + 127 (the
  ;; rounding leaves 127 + n in the low mantissa bits; shifted left by 23 they are the exponent of 2^n).
  (func $exp4 (param $v v128) (result v128)
    (local $t v128) (local $n v128) (local $r v128) (local $p v128)
    (local.set $v (f32x4.pmax (local.get $v) (f32x4.splat (f32.const -87))))
    (local.set $t (f32x4.add (f32x4.mul (local.get $v) (f32x4.splat (f32.const 1.44269504))) (f32x4.splat (f32.const 12583039))))
    (local.set $n (f32x4.sub (local.get $t) (f32x4.splat (f32.const 12583039))))
    (local.set $r (f32x4.sub (local.get $v) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693145752)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 1.42860677e-6)))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 0.00833333333)) (f32x4.mul (local.get $r) (f32x4.splat (f32.const 0.00138888889)))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 0.0416666667)) (f32x4.mul (local.get $r) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 0.166666667)) (f32x4.mul (local.get $r) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 0.5)) (f32x4.mul (local.get $r) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r) (local.get $p))))
    (f32x4.mul (local.get $p) (i32x4.shl (local.get $t) (i32.const 23)))
  )

  ;; $exp4 on two vectors at once: two independent dependency chains per call (V8 does not inline wasm
  ;; calls; the fused GELU kernels measured about 1.6x faster this way).
  (func $exp8 (param $v0 v128) (param $v1 v128) (result v128 v128)
    (local $t0 v128) (local $t1 v128) (local $n0 v128) (local $n1 v128) (local $r0 v128) (local $r1 v128) (local $p0 v128) (local $p1 v128)
    (local.set $v0 (f32x4.pmax (local.get $v0) (f32x4.splat (f32.const -87))))
    (local.set $v1 (f32x4.pmax (local.get $v1) (f32x4.splat (f32.const -87))))
    (local.set $t0 (f32x4.add (f32x4.mul (local.get $v0) (f32x4.splat (f32.const 1.44269504))) (f32x4.splat (f32.const 12583039))))
    (local.set $t1 (f32x4.add (f32x4.mul (local.get $v1) (f32x4.splat (f32.const 1.44269504))) (f32x4.splat (f32.const 12583039))))
    (local.set $n0 (f32x4.sub (local.get $t0) (f32x4.splat (f32.const 12583039))))
    (local.set $n1 (f32x4.sub (local.get $t1) (f32x4.splat (f32.const 12583039))))
    (local.set $r0 (f32x4.sub (f32x4.sub (local.get $v0) (f32x4.mul (local.get $n0) (f32x4.splat (f32.const 0.693145752))))
      (f32x4.mul (local.get $n0) (f32x4.splat (f32.const 1.42860677e-6)))))
    (local.set $r1 (f32x4.sub (f32x4.sub (local.get $v1) (f32x4.mul (local.get $n1) (f32x4.splat (f32.const 0.693145752))))
      (f32x4.mul (local.get $n1) (f32x4.splat (f32.const 1.42860677e-6)))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const 0.00833333333)) (f32x4.mul (local.get $r0) (f32x4.splat (f32.const 0.00138888889)))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const 0.00833333333)) (f32x4.mul (local.get $r1) (f32x4.splat (f32.const 0.00138888889)))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const 0.0416666667)) (f32x4.mul (local.get $r0) (local.get $p0))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const 0.0416666667)) (f32x4.mul (local.get $r1) (local.get $p1))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const 0.166666667)) (f32x4.mul (local.get $r0) (local.get $p0))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const 0.166666667)) (f32x4.mul (local.get $r1) (local.get $p1))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const 0.5)) (f32x4.mul (local.get $r0) (local.get $p0))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const 0.5)) (f32x4.mul (local.get $r1) (local.get $p1))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r0) (local.get $p0))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r1) (local.get $p1))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r0) (local.get $p0))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r1) (local.get $p1))))
    (f32x4.mul (local.get $p0) (i32x4.shl (local.get $t0) (i32.const 23)))
    (f32x4.mul (local.get $p1) (i32x4.shl (local.get $t1) (i32.const 23)))
  )

  ;; Stores the first $n (0..3) lanes of $v at $p; returns their sum.
  (func $storeLanes (param $p i32) (param $v v128) (param $n i32) (result f32)
    (local $s f32)
    (if (i32.gt_u (local.get $n) (i32.const 0)) (then
      (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $v)))
      (local.set $s (f32x4.extract_lane 0 (local.get $v)))))
    (if (i32.gt_u (local.get $n) (i32.const 1)) (then
      (f32.store offset=4 (local.get $p) (f32x4.extract_lane 1 (local.get $v)))
      (local.set $s (f32.add (local.get $s) (f32x4.extract_lane 1 (local.get $v))))))
    (if (i32.gt_u (local.get $n) (i32.const 2)) (then
      (f32.store offset=8 (local.get $p) (f32x4.extract_lane 2 (local.get $v)))
      (local.set $s (f32.add (local.get $s) (f32x4.extract_lane 2 (local.get $v))))))
    (local.get $s)
  )

  ;; x[r, :] = softmax(scale x[r, :]) in place for r < rows; x [rows, n], scale > 0, any n >= 1. Whole
  ;; vectors first, then the last n mod 4 floats as one vector whose extra lanes (read past the row, never
  ;; past the arena: regions are padded to 8 floats and followed by others) are dropped.
  (func (export "softmaxRows") (param $x i32) (param $rows i32) (param $n i32) (param $scale f32)
    (local $r i32) (local $row i32) (local $vend i32) (local $p i32) (local $rem i32)
    (local $m f32) (local $mv v128) (local $sc v128) (local $e v128) (local $e1 v128) (local $sv v128) (local $s f32) (local $inv v128)
    (local.set $sc (f32x4.splat (local.get $scale)))
    (local.set $rem (i32.and (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))))
      (local.set $vend (i32.add (local.get $row) (i32.shl (i32.sub (local.get $n) (local.get $rem)) (i32.const 2))))
      ;; the row's maximum
      (local.set $mv (f32x4.splat (f32.load (local.get $row))))
      (local.set $p (local.get $row))
      (block $maxDone (loop $max
        (br_if $maxDone (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $mv (f32x4.pmax (local.get $mv) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $max)))
      (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
        (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
      (block $maxTailDone (loop $maxTail
        (br_if $maxTailDone (i32.ge_u (local.get $p) (i32.add (local.get $vend) (i32.shl (local.get $rem) (i32.const 2)))))
        (local.set $m (f32.max (local.get $m) (f32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $maxTail)))
      (local.set $mv (f32x4.splat (local.get $m)))
      ;; e = exp(scale (x - max)), summed
      (local.set $sv (v128.const i32x4 0 0 0 0))
      (local.set $p (local.get $row))
      (block $exp2Done (loop $exp2 ;; two vectors a call while 8 floats remain
        (br_if $exp2Done (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $vend)))
        (call $exp8 (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (local.get $mv)) (local.get $sc))
          (f32x4.mul (f32x4.sub (v128.load offset=16 (local.get $p)) (local.get $mv)) (local.get $sc)))
        (local.set $e1)
        (local.set $e)
        (v128.store (local.get $p) (local.get $e))
        (v128.store offset=16 (local.get $p) (local.get $e1))
        (local.set $sv (f32x4.add (local.get $sv) (f32x4.add (local.get $e) (local.get $e1))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $exp2)))
      (block $expDone (loop $exp
        (br_if $expDone (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $e (call $exp4 (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (local.get $mv)) (local.get $sc))))
        (v128.store (local.get $p) (local.get $e))
        (local.set $sv (f32x4.add (local.get $sv) (local.get $e)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $exp)))
      (local.set $s (call $storeLanes (local.get $vend)
        (call $exp4 (f32x4.mul (f32x4.sub (v128.load (local.get $vend)) (local.get $mv)) (local.get $sc))) (local.get $rem)))
      (local.set $s (f32.add (local.get $s)
        (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sv)) (f32x4.extract_lane 1 (local.get $sv)))
          (f32.add (f32x4.extract_lane 2 (local.get $sv)) (f32x4.extract_lane 3 (local.get $sv))))))
      ;; divide by the sum
      (local.set $inv (f32x4.splat (f32.div (f32.const 1) (local.get $s))))
      (local.set $p (local.get $row))
      (block $divDone (loop $div
        (br_if $divDone (i32.ge_u (local.get $p) (local.get $vend)))
        (v128.store (local.get $p) (f32x4.mul (v128.load (local.get $p)) (local.get $inv)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $div)))
      (drop (call $storeLanes (local.get $vend) (f32x4.mul (v128.load (local.get $vend)) (local.get $inv)) (local.get $rem)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next)))
  )

  ;; dst[b, y, x, :] = src[b, x, y, :]; src [B, X, Y, w], dst [B, Y, X, w] (the head split [B, T, h, w] ->
  ;; [B, h, T, w] with X = T, Y = h, and the merge back with X = h, Y = T)
  (func (export "swapMiddle") (param $src i32) (param $dst i32) (param $B i32) (param $X i32) (param $Y i32) (param $w i32)
    (local $b i32) (local $x i32) (local $y i32) (local $bytes i32) (local $s i32) (local $base i32)
    (local.set $bytes (i32.shl (local.get $w) (i32.const 2)))
    (local.set $s (local.get $src))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $base (i32.add (local.get $dst) (i32.mul (i32.mul (local.get $b) (i32.mul (local.get $X) (local.get $Y))) (local.get $bytes))))
      (local.set $x (i32.const 0))
      (block $xDone (loop $xLoop
        (br_if $xDone (i32.ge_u (local.get $x) (local.get $X)))
        (local.set $y (i32.const 0))
        (block $yDone (loop $yLoop
          (br_if $yDone (i32.ge_u (local.get $y) (local.get $Y)))
          (memory.copy
            (i32.add (local.get $base) (i32.mul (i32.add (i32.mul (local.get $y) (local.get $X)) (local.get $x)) (local.get $bytes)))
            (local.get $s) (local.get $bytes))
          (local.set $s (i32.add (local.get $s) (local.get $bytes)))
          (local.set $y (i32.add (local.get $y) (i32.const 1)))
          (br $yLoop)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $xLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )

  ;; dst[r, c] = src[r, idx[c]] for r < rows, c < k; src [rows, D], idx i32 [k] (each in [0, D)), dst [rows, k]
  (func (export "gatherColumns") (param $src i32) (param $idx i32) (param $dst i32) (param $rows i32) (param $D i32) (param $k i32)
    (local $r i32) (local $c i32) (local $rowBytes i32) (local $idxEnd i32)
    (local.set $rowBytes (i32.shl (local.get $D) (i32.const 2)))
    (local.set $idxEnd (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (local.get $idx))
      (block $rowDone (loop $col
        (br_if $rowDone (i32.ge_u (local.get $c) (local.get $idxEnd)))
        (f32.store (local.get $dst) (f32.load (i32.add (local.get $src) (i32.shl (i32.load (local.get $c)) (i32.const 2)))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $col)))
      (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next)))
  )

  ;; a[i] += b[i] for i < n (n a multiple of 4)
  (func (export "addInto") (param $a i32) (param $b i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (v128.store (local.get $a) (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br $next)))
  )
)
