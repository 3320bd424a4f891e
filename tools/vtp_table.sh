#!/usr/bin/env bash
# The README's "VTP on the demo model" table (issue 12): scores trained on the shipped 2,000-image sample
# with the weights frozen and the CLI's default settings, then the demo model pruned to save >= 20, 40 and
# 60% of its MACs and evaluated on all 10,000 Fashion-MNIST test images, no finetuning: VTP folded and
# weight magnitude in one sweep, VTP with binary masks (the paper) in a second one, run side by side.
#   OUT (default /tmp/vtp-table) gets the score file, logs and JSON; SCORE_ARGS adds flags to `vtp scores`
#   (e.g. SCORE_ARGS="--steps 150"); MODEL picks another model folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${OUT:-/tmp/vtp-table}; MODEL=${MODEL:-public/models/fmnist-vit-s}; SCORE_ARGS=${SCORE_ARGS:-}
TEST=(--data /usr/share/datasets/fashion-mnist --split test --unit macs --rates 0.2,0.4,0.6 --json)
mkdir -p "$OUT"
vtp() { npm run --silent vtp -- "$@"; }
step() { echo "== $(date +%T) $*" | tee -a "$OUT/progress.log"; }

step "scores: sample, defaults $SCORE_ARGS"
start=$(date +%s)
# shellcheck disable=SC2086
vtp scores "$MODEL" --data sample $SCORE_ARGS --out "$OUT/scores.safetensors" > "$OUT/scores.log" 2>&1
echo "score training: $(( $(date +%s) - start )) s" | tee -a "$OUT/progress.log"
step "eval: unpruned"
vtp eval "$MODEL" --data /usr/share/datasets/fashion-mnist --split test --json > "$OUT/full.json"
step "sweeps: folded (VTP, magnitude) and binary masks (VTP), side by side"
vtp sweep "$MODEL" --scores "$OUT/scores.safetensors" "${TEST[@]}" --fold > "$OUT/folded.json" 2> "$OUT/folded.log" &
vtp sweep "$MODEL" --scores "$OUT/scores.safetensors" "${TEST[@]}" --criterion vtp --no-fold > "$OUT/binary.json" 2> "$OUT/binary.log"
wait
step done
node -e '
const fs = require("fs"); const out = process.argv[1];
const full = JSON.parse(fs.readFileSync(out + "/full.json", "utf8"));
const folded = JSON.parse(fs.readFileSync(out + "/folded.json", "utf8")).points;
const binary = JSON.parse(fs.readFileSync(out + "/binary.json", "utf8")).points;
const pct = (x) => (100 * x).toFixed(2) + "%";
console.log(`unpruned: ${pct(full.accuracy)} on ${full.n} images`);
console.log("| MACs saved target | VTP folded | VTP binary masks | weight magnitude |\n|---|---|---|---|");
for (const t of [0.2, 0.4, 0.6]) {
  const f = folded.find((p) => p.criterion === "vtp" && p.rate === t), m = folded.find((p) => p.criterion === "magnitude" && p.rate === t);
  const b = binary.find((p) => p.rate === t);
  const cell = (p) => `${pct(p.accuracy)} (MACs ${pct(p.macsSaved)}, params ${pct(p.paramsSaved)})`;
  console.log(`| ${pct(t)} | ${cell(f)} | ${cell(b)} | ${cell(m)} |`);
}' "$OUT" | tee "$OUT/table.md"
