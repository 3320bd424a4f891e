#!/usr/bin/env bash
# The README's budget table (issue 14): the demo model at 40% and 60% of MACs saved, four ways of spending the
# budget (plain |a| ranking, cost-aware ranking, + whole heads, + whole sublayers), each evaluated on all 10,000
# Fashion-MNIST test images as pruned and after FT_STEPS finetune steps (batch 64) on the 60,000-image train split. Two variants run
# side by side (the machine's two cores).
#   SCORES: a score file (required; e.g. /tmp/vtp-table/scores.safetensors from tools/vtp_table.sh);
#   OUT (default /tmp/budget-table), FT_STEPS (default 200), MODEL (default public/models/fmnist-vit-s),
#   TARGETS (default "0.4 0.6": the MACs savings to run; the table lists the ones whose results are in OUT).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${SCORES:?set SCORES to a score file}"
OUT=${OUT:-/tmp/budget-table}; FT_STEPS=${FT_STEPS:-200}; MODEL=${MODEL:-public/models/fmnist-vit-s}; TARGETS=${TARGETS:-0.4 0.6}
TEST=(--data /usr/share/datasets/fashion-mnist --split test)
mkdir -p "$OUT"
vtp() { npm run --silent vtp -- "$@"; }

# variant name -> extra prune flags
declare -A FLAGS=([plain]="" [cost]="--rank cost" [heads]="--heads" [sublayers]="--heads --sublayers")
one() { # target variant: prune, evaluate, finetune FT_STEPS steps (batch 64) on the train split, evaluate again
  local t=$1 v=$2
  local dir="$OUT/$v-$t"
  # shellcheck disable=SC2086
  vtp prune "$MODEL" --scores "$SCORES" --macs-saved "$t" ${FLAGS[$v]} "${TEST[@]}" --finetune-steps "$FT_STEPS" \
    --out "$dir" --json > "$dir.json" 2> "$dir.log"
  echo "== $(date +%T) $v at $t done"
}
for t in $TARGETS; do
  one "$t" plain & one "$t" cost; wait
  one "$t" heads & one "$t" sublayers; wait
done
node -e '
const fs = require("fs"); const out = process.argv[1];
const pct = (x) => (x == null ? "–" : (100 * x).toFixed(2) + "%");
console.log("| MACs saved target | ranking | MACs saved | accuracy, no finetuning | after finetuning |\n|---|---|---|---|---|");
for (const t of ["0.4", "0.6"]) for (const v of ["plain", "cost", "heads", "sublayers"]) {
  const file = `${out}/${v}-${t}.json`;
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) continue;
  const p = JSON.parse(fs.readFileSync(file, "utf8"));
  const saved = 1 - p.macsAfter / p.macsBefore;
  console.log(`| ${pct(Number(t))} | ${v} | ${pct(saved)} | ${pct(p.accuracy)} | ${pct(p.finetunedAccuracy)} |`);
}' "$OUT" | tee "$OUT/table.md"
