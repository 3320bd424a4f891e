#!/usr/bin/env bash
# The README's latency-budget figures ("Budgets"): a latency table measured anew on wasm at batch 64, then the demo
# model pruned to 70% and 50% of the table's predicted full latency, each landed by measurement (the slim model
# timed against the full one, re-pruned while it saves less than the target) and evaluated on 2,000 test images.
# Run it on a quiet machine: the table and the timings are wall-clock.
#   SCORES: a score file (required; e.g. /tmp/vtp-table/scores.safetensors from tools/vtp_table.sh);
#   OUT (default /tmp/latency-budget), MODEL (default public/models/fmnist-vit-s), SHARES (default "0.7 0.5").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${SCORES:?set SCORES to a score file}"
OUT=${OUT:-/tmp/latency-budget}; MODEL=${MODEL:-public/models/fmnist-vit-s}; SHARES=${SHARES:-0.7 0.5}
mkdir -p "$OUT"
vtp() { npm run --silent vtp -- "$@"; }
TABLE="$OUT/latency-table.json"; rm -f "$TABLE"
# a target above the full model's predicted latency: measures the table and prints that prediction
vtp prune "$MODEL" --scores "$SCORES" --latency-table "$TABLE" --latency-ms 1000000 --out "$OUT/full" > "$OUT/full.txt" 2>&1
FULL=$(grep -o 'predicted [0-9.]*' "$OUT/full.txt" | head -1 | awk '{print $2}')
echo "predicted full latency: $FULL ms per batch of 64"
for share in $SHARES; do
  ms=$(node -e "console.log((Number(process.argv[1]) * Number(process.argv[2])).toFixed(1))" "$FULL" "$share")
  echo "== $share of it: --latency-ms $ms"
  vtp prune "$MODEL" --scores "$SCORES" --latency-table "$TABLE" --latency-ms "$ms" \
    --data /usr/share/datasets/fashion-mnist --split test --limit 2000 --out "$OUT/slim-$share" 2>&1 | grep -v '^wrote' | tee "$OUT/slim-$share.txt"
done
