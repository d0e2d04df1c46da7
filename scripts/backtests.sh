#!/usr/bin/env bash
# Regenerates the numbers of docs/backtests.md: for each milestone of the
# four precedent scenarios, the predicted probability that the arrived
# personnel reach X by month M (p_target_reached of a run with
# --set scenario.target=X --set scenario.horizon_months=M, every other value
# as in the scenario file, with its own seed and trials), next to what
# happened; then Brier scores.
#
# usage: scripts/backtests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# mission | scenario stem | milestone | X (personnel) | M (months) | happened (1/0)
MILESTONES=(
  "UNIFIL 2006|unifil_2006|10,000 (67%) by month 4|10000|4|1"
  "UNIFIL 2006|unifil_2006|12,000 (80%) by month 6|12000|6|1"
  "UNIFIL 2006|unifil_2006|15,000 (100%) by month 12|15000|12|0"
  "MFO Sinai 1981|mfo_sinai_1981|2,500 (100%) by month 8|2500|8|1"
  "Haiti MSS 2023|haiti_mss_2023|anyone arrived by month 6|1|6|0"
  "Haiti MSS 2023|haiti_mss_2023|anyone arrived by month 12|1|12|1"
  "Haiti MSS 2023|haiti_mss_2023|1,000 (40%) by month 12|1000|12|0"
  "Haiti MSS 2023|haiti_mss_2023|2,500 (100%) by month 12|2500|12|0"
  "AMISOM 2007|amisom_2007|2,000 (25%) by month 20|2000|20|1"
  "AMISOM 2007|amisom_2007|4,000 (50%) by month 34|4000|34|1"
  "AMISOM 2007|amisom_2007|8,000 (100%) by month 24|8000|24|0"
  "AMISOM 2007|amisom_2007|8,000 (100%) by month 43|8000|43|0"
)

echo "| mission | milestone | predicted | happened | squared error |"
echo "|---|---|---|---|---|"
i=0
for row in "${MILESTONES[@]}"; do
  IFS='|' read -r mission stem milestone target month happened <<<"$row"
  i=$((i + 1))
  cargo run --release --quiet -- run "scenarios/$stem.toml" --quiet --out "$OUT/$i" \
    --set "scenario.target=$target" --set "scenario.horizon_months=$month"
  p=$(awk -F, '$1 == "p_target_reached" { print $2 }' "$OUT/$i/summary.csv")
  echo "$mission|$milestone|$p|$happened" >>"$OUT/rows"
  awk -v m="$mission" -v s="$milestone" -v p="$p" -v o="$happened" 'BEGIN {
    printf "| %s | %s | %.3f | %s | %.3f |\n", m, s, p, (o ? "yes" : "no"), (p - o) ^ 2
  }'
done

echo
awk -F'|' '
  {
    n++; e = ($3 - $4) ^ 2; brier += e; yes += $4
    if (!($1 in count)) order[++missions] = $1
    by[$1] += e; count[$1]++
    if ($4) { p_yes += $3 } else { p_no += $3 }
  }
  END {
    for (i = 1; i <= missions; i++) {
      m = order[i]
      printf "Brier, %s (%d milestone%s): %.3f\n", m, count[m], (count[m] > 1 ? "s" : ""), by[m] / count[m]
    }
    base = yes / n
    printf "Brier, all %d milestones: %.3f\n", n, brier / n
    printf "Brier of always 0.5: %.3f\n", 0.25
    printf "Brier of always %.3f (the share of milestones met, known only afterwards): %.3f\n", base, base * (1 - base)
    printf "Mean predicted probability: %.3f for the %d milestones met, %.3f for the %d not met\n", p_yes / yes, yes, p_no / (n - yes), n - yes
  }' "$OUT/rows"
