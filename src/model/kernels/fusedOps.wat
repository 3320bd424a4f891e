;; Fused elementwise kernels with 128-bit SIMD for score training on tfjs's wasm backend: exact GELU
;; (vectorised erf and exp) forward and backward, LayerNorm forward and backward (frozen gamma/beta),
;; and the backward of a per-column gate product. Each replaces a chain of tfjs kernels (one pass and
;; one temporary per op) by one pass over the data.
;; All pointers are byte offsets into the imported memory (env.memory), 16-byte aligned; element counts of the
;; elementwise kernels may be rounded up to a multiple of 8 by the caller (the tail is scratch).
;; Build: `node tools/build_wasm_kernels.mjs` compiles this file into fusedOpsWasm.ts.
(module
  (import "env" "memory" (memory 1))

  ;; The maths runs on two vectors at a time, written out in the helpers below: V8 does not inline wasm
  ;; calls, and two independent dependency chains per call measured about 1.6x faster than one.

  ;; exp(-v²/2) for two vectors of four lanes: the argument clamped to >= -87, = n ln2 + r (|r| <= ln2/2),
  ;; e^r by a degree-6 Taylor polynomial (relative error < 2e-7), 2^n from the bits of
  ;; arg·log2(e) + 1.5·2^23 + 127 (the rounding adds 127 + n to the mantissa; shifted left by 23 it is
  ;; the exponent of 2^n).
  (func $gauss2 (param $v0 v128) (param $v1 v128) (result v128 v128)
    (local $x0 v128) (local $x1 v128) (local $t0 v128) (local $t1 v128) (local $n0 v128) (local $n1 v128)
    (local $r0 v128) (local $r1 v128) (local $p0 v128) (local $p1 v128)
    (local.set $x0 (f32x4.pmax (f32x4.mul (f32x4.mul (local.get $v0) (local.get $v0)) (f32x4.splat (f32.const -0.5))) (f32x4.splat (f32.const -87))))
    (local.set $x1 (f32x4.pmax (f32x4.mul (f32x4.mul (local.get $v1) (local.get $v1)) (f32x4.splat (f32.const -0.5))) (f32x4.splat (f32.const -87))))
    (local.set $t0 (f32x4.add (f32x4.mul (local.get $x0) (f32x4.splat (f32.const 1.44269504))) (f32x4.splat (f32.const 12583039))))
    (local.set $t1 (f32x4.add (f32x4.mul (local.get $x1) (f32x4.splat (f32.const 1.44269504))) (f32x4.splat (f32.const 12583039))))
    (local.set $n0 (f32x4.sub (local.get $t0) (f32x4.splat (f32.const 12583039))))
    (local.set $n1 (f32x4.sub (local.get $t1) (f32x4.splat (f32.const 12583039))))
    (local.set $r0 (f32x4.sub (local.get $x0) (f32x4.mul (local.get $n0) (f32x4.splat (f32.const 0.693145752)))))
    (local.set $r1 (f32x4.sub (local.get $x1) (f32x4.mul (local.get $n1) (f32x4.splat (f32.const 0.693145752)))))
    (local.set $r0 (f32x4.sub (local.get $r0) (f32x4.mul (local.get $n0) (f32x4.splat (f32.const 1.42860677e-6)))))
    (local.set $r1 (f32x4.sub (local.get $r1) (f32x4.mul (local.get $n1) (f32x4.splat (f32.const 1.42860677e-6)))))
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

  ;; Φ(v) = (1 + erf(v / sqrt 2)) / 2 for two vectors given e = exp(-v²/2); erf by Abramowitz-Stegun
  ;; 7.1.26 (absolute error < 1.5e-7, the formula tfjs's cpu backend uses); erf(-a) = -erf(a) by
  ;; putting the sign bit of v onto |erf|.
  (func $cdf2 (param $v0 v128) (param $v1 v128) (param $e0 v128) (param $e1 v128) (result v128 v128)
    (local $a0 v128) (local $a1 v128) (local $t0 v128) (local $t1 v128) (local $p0 v128) (local $p1 v128)
    (local.set $a0 (f32x4.mul (f32x4.abs (local.get $v0)) (f32x4.splat (f32.const 0.707106781))))
    (local.set $a1 (f32x4.mul (f32x4.abs (local.get $v1)) (f32x4.splat (f32.const 0.707106781))))
    (local.set $t0 (f32x4.div (f32x4.splat (f32.const 1))
      (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $a0) (f32x4.splat (f32.const 0.3275911))))))
    (local.set $t1 (f32x4.div (f32x4.splat (f32.const 1))
      (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $a1) (f32x4.splat (f32.const 0.3275911))))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const -1.453152027)) (f32x4.mul (local.get $t0) (f32x4.splat (f32.const 1.061405429)))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const -1.453152027)) (f32x4.mul (local.get $t1) (f32x4.splat (f32.const 1.061405429)))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const 1.421413741)) (f32x4.mul (local.get $t0) (local.get $p0))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const 1.421413741)) (f32x4.mul (local.get $t1) (local.get $p1))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const -0.284496736)) (f32x4.mul (local.get $t0) (local.get $p0))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const -0.284496736)) (f32x4.mul (local.get $t1) (local.get $p1))))
    (local.set $p0 (f32x4.add (f32x4.splat (f32.const 0.254829592)) (f32x4.mul (local.get $t0) (local.get $p0))))
    (local.set $p1 (f32x4.add (f32x4.splat (f32.const 0.254829592)) (f32x4.mul (local.get $t1) (local.get $p1))))
    (local.set $p0 (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (f32x4.mul (local.get $t0) (local.get $p0)) (local.get $e0))))
    (local.set $p1 (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (f32x4.mul (local.get $t1) (local.get $p1)) (local.get $e1))))
    (local.set $p0 (v128.or (local.get $p0) (v128.and (local.get $v0) (i32x4.splat (i32.const 0x80000000)))))
    (local.set $p1 (v128.or (local.get $p1) (v128.and (local.get $v1) (i32x4.splat (i32.const 0x80000000)))))
    (f32x4.mul (f32x4.add (f32x4.splat (f32.const 1)) (local.get $p0)) (f32x4.splat (f32.const 0.5)))
    (f32x4.mul (f32x4.add (f32x4.splat (f32.const 1)) (local.get $p1)) (f32x4.splat (f32.const 0.5)))
  )

  ;; y[i] = x[i] Φ(x[i]) for i < n (n a multiple of 8)
  (func (export "gelu") (param $x i32) (param $y i32) (param $n i32)
    (local $end i32) (local $v0 v128) (local $v1 v128) (local $c0 v128) (local $c1 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v0 (v128.load (local.get $x)))
      (local.set $v1 (v128.load offset=16 (local.get $x)))
      (call $cdf2 (local.get $v0) (local.get $v1) (call $gauss2 (local.get $v0) (local.get $v1)))
      (local.set $c1)
      (local.set $c0)
      (v128.store (local.get $y) (f32x4.mul (local.get $v0) (local.get $c0)))
      (v128.store offset=16 (local.get $y) (f32x4.mul (local.get $v1) (local.get $c1)))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (br $next)))
  )

  ;; dx[i] = dy[i] (Φ(x[i]) + x[i] φ(x[i])), φ(x) = exp(-x²/2) / sqrt(2π); n a multiple of 8
  (func (export "geluGrad") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32)
    (local $end i32) (local $v0 v128) (local $v1 v128) (local $e0 v128) (local $e1 v128) (local $c0 v128) (local $c1 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v0 (v128.load (local.get $x)))
      (local.set $v1 (v128.load offset=16 (local.get $x)))
      (call $gauss2 (local.get $v0) (local.get $v1))
      (local.set $e1)
      (local.set $e0)
      (call $cdf2 (local.get $v0) (local.get $v1) (local.get $e0) (local.get $e1))
      (local.set $c1)
      (local.set $c0)
      (v128.store (local.get $dx) (f32x4.mul (v128.load (local.get $dy))
        (f32x4.add (local.get $c0) (f32x4.mul (local.get $v0) (f32x4.mul (local.get $e0) (f32x4.splat (f32.const 0.398942280)))))))
      (v128.store offset=16 (local.get $dx) (f32x4.mul (v128.load offset=16 (local.get $dy))
        (f32x4.add (local.get $c1) (f32x4.mul (local.get $v1) (f32x4.mul (local.get $e1) (f32x4.splat (f32.const 0.398942280)))))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $dy (i32.add (local.get $dy) (i32.const 32)))
      (local.set $dx (i32.add (local.get $dx) (i32.const 32)))
      (br $next)))
  )

  ;; Sum of the four lanes.
  (func $hsum (param $v v128) (result f32)
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v))))
  )

  ;; Mean of the row of D floats at $row (D a multiple of 4).
  (func $rowMean (param $row i32) (param $D i32) (result f32)
    (local $end i32) (local $s v128)
    (local.set $end (i32.add (local.get $row) (i32.shl (local.get $D) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $s (f32x4.add (local.get $s) (v128.load (local.get $row))))
      (local.set $row (i32.add (local.get $row) (i32.const 16)))
      (br $next)))
    (f32.div (call $hsum (local.get $s)) (f32.convert_i32_u (local.get $D)))
  )

  ;; 1 / sqrt(mean((row - mean)²) + eps), two-pass like tf.moments.
  (func $rowRstd (param $row i32) (param $D i32) (param $mean f32) (param $eps f32) (result f32)
    (local $end i32) (local $s v128) (local $d v128) (local $m v128)
    (local.set $m (f32x4.splat (local.get $mean)))
    (local.set $end (i32.add (local.get $row) (i32.shl (local.get $D) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $d (f32x4.sub (v128.load (local.get $row)) (local.get $m)))
      (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $d) (local.get $d))))
      (local.set $row (i32.add (local.get $row) (i32.const 16)))
      (br $next)))
    (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.div (call $hsum (local.get $s)) (f32.convert_i32_u (local.get $D))) (local.get $eps))))
  )

  ;; y[r, :] = (x[r, :] - mean) rstd gamma + beta for r < rows; x, y [rows, D], gamma, beta [D], D a multiple of 4
  (func (export "layerNorm") (param $x i32) (param $gamma i32) (param $beta i32) (param $y i32)
    (param $rows i32) (param $D i32) (param $eps f32)
    (local $r i32) (local $row i32) (local $out i32) (local $j i32) (local $rowBytes i32)
    (local $mean f32) (local $m v128) (local $s v128)
    (local.set $rowBytes (i32.shl (local.get $D) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $out (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $mean (call $rowMean (local.get $row) (local.get $D)))
      (local.set $m (f32x4.splat (local.get $mean)))
      (local.set $s (f32x4.splat (call $rowRstd (local.get $row) (local.get $D) (local.get $mean) (local.get $eps))))
      (local.set $j (i32.const 0))
      (block $rowDone (loop $col
        (br_if $rowDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (v128.store (i32.add (local.get $out) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $beta) (local.get $j)))
            (f32x4.mul (v128.load (i32.add (local.get $gamma) (local.get $j)))
              (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $row) (local.get $j))) (local.get $m)) (local.get $s)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $col)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next)))
  )

  ;; LayerNorm's input gradient with gamma frozen, per row: g = dy gamma, xhat = (x - mean) rstd,
  ;; dx = rstd (g - mean(g) - xhat mean(g xhat)); shapes as layerNorm, dx may alias dy.
  (func (export "layerNormGrad") (param $x i32) (param $gamma i32) (param $dy i32) (param $dx i32)
    (param $rows i32) (param $D i32) (param $eps f32)
    (local $r i32) (local $row i32) (local $drow i32) (local $out i32) (local $j i32) (local $rowBytes i32)
    (local $mean f32) (local $m v128) (local $s v128) (local $g v128) (local $xh v128)
    (local $sg v128) (local $sgx v128) (local $mg v128) (local $mgx v128) (local $invD f32)
    (local.set $rowBytes (i32.shl (local.get $D) (i32.const 2)))
    (local.set $invD (f32.div (f32.const 1) (f32.convert_i32_u (local.get $D))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $drow (i32.add (local.get $dy) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $out (i32.add (local.get $dx) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $mean (call $rowMean (local.get $row) (local.get $D)))
      (local.set $m (f32x4.splat (local.get $mean)))
      (local.set $s (f32x4.splat (call $rowRstd (local.get $row) (local.get $D) (local.get $mean) (local.get $eps))))
      (local.set $sg (v128.const i32x4 0 0 0 0))
      (local.set $sgx (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $sumsDone (loop $sums
        (br_if $sumsDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $g (f32x4.mul (v128.load (i32.add (local.get $drow) (local.get $j))) (v128.load (i32.add (local.get $gamma) (local.get $j)))))
        (local.set $xh (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $row) (local.get $j))) (local.get $m)) (local.get $s)))
        (local.set $sg (f32x4.add (local.get $sg) (local.get $g)))
        (local.set $sgx (f32x4.add (local.get $sgx) (f32x4.mul (local.get $g) (local.get $xh))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $sums)))
      (local.set $mg (f32x4.splat (f32.mul (call $hsum (local.get $sg)) (local.get $invD))))
      (local.set $mgx (f32x4.splat (f32.mul (call $hsum (local.get $sgx)) (local.get $invD))))
      (local.set $j (i32.const 0))
      (block $rowDone (loop $col
        (br_if $rowDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $g (f32x4.mul (v128.load (i32.add (local.get $drow) (local.get $j))) (v128.load (i32.add (local.get $gamma) (local.get $j)))))
        (local.set $xh (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $row) (local.get $j))) (local.get $m)) (local.get $s)))
        (v128.store (i32.add (local.get $out) (local.get $j))
          (f32x4.mul (local.get $s)
            (f32x4.sub (f32x4.sub (local.get $g) (local.get $mg)) (f32x4.mul (local.get $xh) (local.get $mgx)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $col)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next)))
  )

  ;; Backward of y = x gate (gate broadcast over rows): dx[r, c] = dy[r, c] gate[c] and
  ;; dgate[c] = Σ_r dy[r, c] x[r, c]; x, dy, dx [rows, C], gate, dgate [C], C a multiple of 4; dx may alias dy.
  (func (export "gateGrad") (param $x i32) (param $gate i32) (param $dy i32) (param $dx i32) (param $dgate i32)
    (param $rows i32) (param $C i32)
    (local $r i32) (local $j i32) (local $rowBytes i32) (local $d v128)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $dgate) (i32.const 0) (local.get $rowBytes))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $j (i32.const 0))
      (block $rowDone (loop $col
        (br_if $rowDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $d (v128.load (i32.add (local.get $dy) (local.get $j))))
        (v128.store (i32.add (local.get $dgate) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $dgate) (local.get $j)))
            (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $x) (local.get $j))))))
        (v128.store (i32.add (local.get $dx) (local.get $j))
          (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $gate) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $col)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
      (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next)))
  )
)
