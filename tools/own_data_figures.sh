#!/usr/bin/env bash
# The README's "Measured results" and "Your own data" figures for the shipped demo model, in one run:
# scores on the shipped sample, on a class folder of 2,000 training images named as a file system allows,
# and label-free on 2,000 loose images; then sweeps, binary masks and finetuning, all evaluated on the
# 10,000 Fashion-MNIST test images, with the settings those figures were measured with (cross-entropy scores
# where labelled, folded), which are no longer the CLI's defaults. Writes everything (logs and JSON) under $OUT (default /tmp/vtp-figures).
#   STEPS (default 150), BATCH (64), FT_STEPS (50) set the score and finetune steps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${OUT:-/tmp/vtp-figures}; STEPS=${STEPS:-150}; BATCH=${BATCH:-64}; FT_STEPS=${FT_STEPS:-50}
MODEL=public/models/fmnist-vit-s; TEST=(--data /usr/share/datasets/fashion-mnist --split test)
mkdir -p "$OUT"
vtp() { npm run --silent vtp -- "$@"; }
step() { echo "== $(date +%T) $*" | tee -a "$OUT/progress.log"; }

[ -d "$OUT/folder2000" ] || node tools/idx_to_folder.mjs --idx /usr/share/datasets/fashion-mnist --split train --limit 2000 --out "$OUT/folder2000"
[ -d "$OUT/flat2000" ] || node tools/fmnist_folders.mjs train 2000 flat "$OUT/flat2000"

step "scores: sample, labels"
vtp scores $MODEL --data sample --target labels --steps "$STEPS" --batch "$BATCH" --out "$OUT/ce.safetensors" > "$OUT/ce-scores.log"
step "sweep: sample scores, VTP and magnitude, folded"
vtp sweep $MODEL --scores "$OUT/ce.safetensors" "${TEST[@]}" --rates 0,0.2,0.4,0.6 --fold --json > "$OUT/ce-sweep.json"
for r in 0.2 0.4 0.6; do
  step "binary masks at $r"
  vtp prune $MODEL --scores "$OUT/ce.safetensors" --rate $r --no-fold "${TEST[@]}" --out "$OUT/binary$r" --json > "$OUT/binary$r.json"
done

step "scores: class folder of 2,000 training images"
vtp scores $MODEL --data "$OUT/folder2000" --split all --target labels --steps "$STEPS" --batch "$BATCH" --out "$OUT/folder.safetensors" > "$OUT/folder-scores.log"
vtp prune $MODEL --scores "$OUT/folder.safetensors" --rate 0.4 --fold "${TEST[@]}" --out "$OUT/folder0.4" --json > "$OUT/folder0.4.json"

step "scores: 2,000 loose images, label-free"
vtp scores $MODEL --data "$OUT/flat2000" --split all --distill --steps "$STEPS" --batch "$BATCH" --out "$OUT/lf.safetensors" > "$OUT/lf-scores.log"
vtp sweep $MODEL --scores "$OUT/lf.safetensors" "${TEST[@]}" --rates 0.2,0.4,0.6 --fold --json > "$OUT/lf-sweep.json"

for mode in ce kd; do
  step "finetune at 0.6: $mode"
  extra=(); [ $mode = kd ] && extra=(--finetune-distill)
  vtp prune $MODEL --scores "$OUT/ce.safetensors" --rate 0.6 --fold --data sample --split val --finetune-steps "$FT_STEPS" "${extra[@]}" --out "$OUT/ft-$mode" > "$OUT/ft-$mode.log"
  vtp eval "$OUT/ft-$mode" "${TEST[@]}" --agreement-with $MODEL --json > "$OUT/ft-$mode-eval.json"
done
step done
