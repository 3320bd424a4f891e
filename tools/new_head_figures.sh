#!/usr/bin/env bash
# The README's "A new head for your classes" figures: the demo model given a new 3-class head (tops, footwear, other)
# fitted on 300 regrouped Fashion-MNIST training images, evaluated on all 10,000 regrouped test images, then scores
# (100 steps of batch 64 on the 300 images, cross-entropy) and a 0.4 prune, and its ONNX export; then the default
# scores (distillation, 300 steps) and a 0.4 prune with binary masks and folded.
#   OUT (default /tmp/new-head-figures) gets the folders, models, logs and JSON.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${OUT:-/tmp/new-head-figures}; MODEL=public/models/fmnist-vit-s
mkdir -p "$OUT"
vtp() { npm run --silent vtp -- "$@"; }
step() { echo "== $(date +%T) $*" | tee -a "$OUT/progress.log"; }

[ -d "$OUT/train3" ] || node tools/fmnist_folders.mjs train 300 regroup "$OUT/train3"
[ -d "$OUT/test3" ] || node tools/fmnist_folders.mjs t10k 10000 regroup "$OUT/test3"
step "new head"
start=$(date +%s)
vtp new-head $MODEL --data "$OUT/train3" --out "$OUT/nh3" > "$OUT/new-head.log" 2>&1
echo "new-head: $(( $(date +%s) - start )) s" | tee -a "$OUT/progress.log"
step "eval"
vtp eval "$OUT/nh3" --data "$OUT/test3" --split all --json > "$OUT/nh3-eval.json"
step "scores and prune at 0.4"
vtp scores "$OUT/nh3" --data "$OUT/train3" --target labels --steps 100 --batch 64 --out "$OUT/nh3-scores.safetensors" > "$OUT/scores.log" 2>&1
vtp prune "$OUT/nh3" --scores "$OUT/nh3-scores.safetensors" --rate 0.4 --data "$OUT/test3" --split all --fold --out "$OUT/nh3-slim" --json > "$OUT/prune.json"
vtp export "$OUT/nh3-slim" --format onnx --out "$OUT/nh3-slim.onnx" > "$OUT/export.log" 2>&1
step "default scores (distillation, 300 steps) and prune at 0.4, binary masks and folded"
vtp scores "$OUT/nh3" --data "$OUT/train3" --out "$OUT/nh3-default-scores.safetensors" > "$OUT/default-scores.log" 2>&1
vtp prune "$OUT/nh3" --scores "$OUT/nh3-default-scores.safetensors" --rate 0.4 --data "$OUT/test3" --split all --out "$OUT/nh3-default-bin" --json > "$OUT/prune-default-bin.json"
vtp prune "$OUT/nh3" --scores "$OUT/nh3-default-scores.safetensors" --rate 0.4 --data "$OUT/test3" --split all --fold --out "$OUT/nh3-default-fold" --json > "$OUT/prune-default-fold.json"
step done
