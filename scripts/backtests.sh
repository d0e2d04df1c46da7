#!/usr/bin/env bash
# Regenerates docs/backtests.md from precedents/: runs every precedent
# scenario with its own seed and trials, scores each result folder against
# its outcomes file with `muster score --csv` (the model and the two
# leave-one-out baselines), reads what `muster check` says of each file's
# sources, and writes the page: the summary by set (fitted on, tested on),
# a table per precedent and the misses, and the grades so far of the
# register of live forecasts (forecasts/).
#
# usage: scripts/backtests.sh            (writes docs/backtests.md)
#        scripts/backtests.sh --stdout   (prints the page instead)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/muster"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

SHARED=precedents/shared.toml
fitted=$(sed -n 's/^fitted_on = \[\(.*\)\]/\1/p' "$SHARED" | tr -d '" ' | tr ',' ' ')

# One line per precedent: stem|name|set|as_of|numbers line of muster check
: >"$OUT/index"
: >"$OUT/rows"
for file in precedents/*.toml; do
  stem=$(basename "$file" .toml)
  case "$stem" in shared | *.outcomes) continue ;; esac
  set=tested
  for f in $fitted; do [ "$f" = "$stem" ] && set=fitted; done
  "$BIN" run "$file" --quiet --out "$OUT/$stem"
  "$BIN" score "$OUT/$stem" "precedents/$stem.outcomes.toml" --scenario "$file" --csv |
    tail -n +2 | sed -E 's/^("[^"]*"|[^,]*),//' | sed "s/^/$stem,$set,/" >>"$OUT/rows"
  name=$(sed -n 's/^precedent = "\(.*\)"/\1/p' "precedents/$stem.outcomes.toml")
  as_of=$(sed -n 's/^as_of = "\(.*\)".*/\1/p' "$file")
  numbers=$("$BIN" check "$file" 2>/dev/null | sed -n 's/^  numbers: //p')
  unscored=$("$BIN" score "$OUT/$stem" "precedents/$stem.outcomes.toml" --scenario "$file" |
    sed -n 's/^  not scored: //p' | paste -sd ';' -)
  echo "$stem|$name|$set|$as_of|$numbers|$unscored" >>"$OUT/index"
done

page() {
  cat <<'EOF'
# Back-tests: sixteen precedents, each frozen at its date

<!-- Written by scripts/backtests.sh from precedents/; do not edit by hand. -->

Each file in `precedents/` describes a past force-generation effort as a
forecaster could have seen it on one day, its `as_of`: the contributors as
they stood then (including those that later dropped out), each with the
stance it had stated (committed, offered, considering, declined; or in
place), and every number tied to a dated source. A source published after
`as_of`, or whose date is unknown, may only be cited by an entry marked
`hindsight = true`; the loader refuses anything else, so `muster check`
proves the date discipline of every file and counts what rests on a source.
What happened is in a separate `NAME.outcomes.toml`: the personnel on record
at some months, each record with its sources, and what each contributor of
the day did.

The contributors' join probabilities (by stance), the share of a pledge
that ends up in theatre and the lead times are not set per file: they are
the shared assumptions of `precedents/shared.toml`, fitted on the eight
older precedents (1981-2007) by `cargo run --example fit_shared` and
tested on the eight newer ones (2013-2023), which took no part in the fit.

## How the forecasts are scored

For every recorded month after month 0 and within the scenario's horizon,
`muster score RESULT_FOLDER OUTCOMES_FILE` compares three forecasts of the
personnel in theatre, as a share of the target:

- **the model**: every trial of the run, replayed exactly from the folder's
  `run.toml` on the same random draws (the replay is checked against
  `fan.csv`'s mean at every month before it is used);
- **the base rate**: the other precedents' shares of their targets at the
  same month, as an ensemble (those with a record at or after that month;
  records interpolated linearly between months);
- **pledges times a historical ratio**: this precedent's pledges on its
  day, as a share of its target, times each other precedent's ratio of
  personnel at that month to what it had been pledged on its day.

The continuous ranked probability score (CRPS) of each forecast is exact
for its sample (Gneiting & Raftery 2007): the mean absolute miss less half
the mean spread, in shares of the target (0 is perfect; a forecast that
is sure and wrong by 30% of the target scores 0.30). The Brier score grades
the milestone events "personnel at that month >= 25%, 50%, 75%, 100% of the
target". A month is scored only when some other precedent is on record that
late, so that both baselines exist; the months left out are listed.
Averages give each precedent the same weight (the mean over its months,
then the mean over the precedents).

EOF
  echo "## The summary"
  echo
  awk -F, '
    $3 == "crps" { k = $1; set[k] = $2; n[k]++; c1[k] += $7; c2[k] += $8; c3[k] += $9 }
    $3 == "brier" { k = $1; bn[k]++; b1[k] += $7; b2[k] += $8; b3[k] += $9 }
    END {
      for (k in n) {
        s = set[k]; P[s]++; M[s] += n[k]
        C1[s] += c1[k] / n[k]; C2[s] += c2[k] / n[k]; C3[s] += c3[k] / n[k]
        B1[s] += b1[k] / bn[k]; B2[s] += b2[k] / bn[k]; B3[s] += b3[k] / bn[k]
        P["all"]++; M["all"] += n[k]
        C1["all"] += c1[k] / n[k]; C2["all"] += c2[k] / n[k]; C3["all"] += c3[k] / n[k]
        B1["all"] += b1[k] / bn[k]; B2["all"] += b2[k] / bn[k]; B3["all"] += b3[k] / bn[k]
      }
      print "| precedents | scored | months | CRPS: model | base rate | pledges x ratio | Brier: model | base rate | pledges x ratio |"
      print "|---|---|---|---|---|---|---|---|---|"
      split("fitted tested all", order, " ")
      label["fitted"] = "fitted on (1981-2007)"; label["tested"] = "**tested on (2013-2023)**"; label["all"] = "all"
      for (i = 1; i <= 3; i++) {
        s = order[i]; p = P[s]
        printf "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", label[s], p, M[s], C1[s]/p, C2[s]/p, C3[s]/p, B1[s]/p, B2[s]/p, B3[s]/p
      }
      t = P["tested"]; m = C1["tested"]/t; b = C2["tested"]/t; r = C3["tested"]/t
      print ""
      printf "On the held-out precedents the model'"'"'s mean CRPS is %.3f, against %.3f for the base rate and %.3f for pledges times a historical ratio: ", m, b, r
      if (m < b && m < r) printf "it beats both baselines, by %.3f and %.3f.\n", b - m, r - m
      else if (m < b) printf "it beats the base rate by %.3f but loses to pledges times a ratio by %.3f.\n", b - m, m - r
      else if (m < r) printf "it beats pledges times a ratio by %.3f but loses to the base rate by %.3f.\n", r - m, m - b
      else printf "it loses to both, by %.3f to the base rate and %.3f to pledges times a ratio.\n", m - b, m - r
      f = P["fitted"]
      printf "On the precedents it was fitted on (in-sample) the figures are %.3f, %.3f and %.3f.\n", C1["fitted"]/f, C2["fitted"]/f, C3["fitted"]/f
    }' "$OUT/rows"
  echo
  echo "## Each precedent"
  echo
  while IFS='|' read -r stem name set as_of numbers unscored; do
    echo "### $name ($set)"
    echo
    echo "\`precedents/$stem.toml\`, as of $as_of: $numbers."
    echo
    echo "| month | on record (share) | mean: model | base rate | pledges x ratio | CRPS: model | base rate | pledges x ratio |"
    echo "|---|---|---|---|---|---|---|---|"
    awk -F, -v s="$stem" '
      $1 == s && $3 == "mean" { mean[$4] = sprintf("%.2f | %.2f | %.2f", $7, $8, $9) }
      $1 == s && $3 == "crps" { order[++n] = $4; y[$4] = $6; crps[$4] = sprintf("%.3f | %.3f | %.3f", $7, $8, $9) }
      END { for (i = 1; i <= n; i++) { m = order[i]; printf "| %s | %.2f | %s | %s |\n", m, y[m], mean[m], crps[m] } }' "$OUT/rows"
    if [ -n "$unscored" ]; then
      echo
      echo "Not scored: ${unscored//;/; }."
    fi
    echo
  done <"$OUT/index"
  echo "## What the misses show"
  echo
  awk -F, '
    FNR == NR { split($0, a, "|"); name[a[1]] = a[2]; next }
    $3 == "crps" { k = $1; set[k] = $2; n[k]++; c1[k] += $7; c2[k] += $8; c3[k] += $9 }
    $3 == "mean" { k = $1; d[k] += $7 - $6 }
    END {
      for (k in n) {
        if (c1[k] > c2[k] && c1[k] > c3[k]) {
          dir = d[k] < 0 ? "too slow or too small (its mean share is below the record)" : "too fast or too large (its mean share is above the record)"
          printf "- **%s** (%s): the model scores %.3f against %.3f and %.3f; it is %s.\n", name[k], set[k], c1[k]/n[k], c2[k]/n[k], c3[k]/n[k], dir
        }
      }
    }' "$OUT/index" "$OUT/rows" | sort
  cat <<'EOF'

The list above names the precedents on which the model does worse than both
baselines. What they share says where the model is wrong rather than
unlucky:

- **One set of lead times for every kind of force.** The shared lead times
  are fitted on all eight older precedents together, so their median (the
  month by which half the build-up is in theatre) sits between the forces
  that were in theatre within weeks (KFOR, INTERFET, a lead nation's own
  troops a short flight away) and those that took a year or more (AMISOM,
  UNAMID). A force of the first kind is forecast too slow and one of the
  second too fast. Eight precedents are too few to fit lead times by kind
  of force; the next step is to state the kind in the outcomes file and fit
  per kind once there are enough of each.
- **Stances are coarse.** "Committed", "offered" and "considering" are read
  from reporting of the day; the fit finds offered contributors deploying
  as often as committed ones, which says more about how few cases there are
  (a few dozen contributors) than about the stances.
- **Forces grow past their first pledges.** The base rate and the pledge
  ratio both learn, from the other precedents, that forces end up near
  their target whatever was pledged on the first day. The model only counts
  what was pledged then, times the shared share; a force that grew through
  later offers (AMISOM, UNAMID, KFOR's other contingents) is under-forecast
  unless its file lists those offers, and a frozen file cannot.

What the comparison cannot show:

- **Sixteen precedents are not a validation.** The months scored within a
  precedent are strongly correlated; in effect there are sixteen cases, and
  eight of them held out. A difference of a few hundredths in mean CRPS
  between the model and a baseline is within what the choice of precedents
  moves.
- **Records are rough and some are unconfirmed.** Several records are
  "about" figures or were read only in secondary sources (tagged [U] in the
  outcomes files), and the month of some is approximate. The records of the
  first weeks, when forces grow fastest, are the scarcest.
- **Hindsight is marked, not absent.** Where no source of the day was found
  for a contributor's pledge (the MFO, Haiti's Kenyan offer, the FIB's three
  battalions), the entry cites a later or undated source and says
  `hindsight = true`; `muster check` counts them. Those entries leak what
  was known later into the forecast and flatter it.
- **The baselines use the same records.** The base rate and the pledge
  ratio are built from the other precedents' outcomes (leave-one-out), so
  they know, as the model does not, how such efforts went in general.

EOF
  echo "## The register of live forecasts, graded so far"
  echo
  cat <<'EOF'
The forecasts in `forecasts/` are graded the same way, from their frozen
result folders, against what is on record so far (the baselines are built
from all sixteen precedents). A month or two of records is not a score:
these rows say how each forecast stands, not how good the model is. The
Gaza file of November 2025 was written after its date from sources of the
date only, by someone who knew that no troops had arrived, so its row is
the weakest evidence of all.

| forecast | month | on record (share) | CRPS: model | base rate | pledges x ratio |
|---|---|---|---|---|---|
EOF
  others=()
  for f in precedents/*.outcomes.toml; do others+=(--others "$f"); done
  for outcomes in forecasts/*.outcomes.toml; do
    stem=$(basename "$outcomes" .outcomes.toml)
    "$BIN" score "forecasts/runs/$stem" "$outcomes" "${others[@]}" --csv |
      tail -n +2 | sed -E 's/^("[^"]*"|[^,]*),//' |
      awk -F, -v s="$stem" '$1 == "crps" { printf "| `%s` | %s | %.2f | %.3f | %.3f | %.3f |\n", s, $2, $4, $5, $6, $7 }'
  done
  echo
  cat <<'EOF'
## Reproducing the numbers

```sh
scripts/backtests.sh
```

The script builds the release binary, runs each precedent into a temporary
folder with the file's own seed and trials, scores it with
`muster score --csv`, and writes this page. The numbers change only if a
precedent file, an outcomes file, the shared assumptions or the engine
changes. To refit the shared assumptions on the older precedents:

```sh
cargo run --example fit_shared -- precedents \
  unifil_2006 mfo_sinai_1981 amisom_2007 unamid_2007 kfor_1999 ifor_1995 interfet_1999 eufor_chad_2007 \
  > precedents/shared.toml
```
EOF
}

if [ "${1:-}" = "--stdout" ]; then
  page
else
  page >docs/backtests.md
  echo "wrote docs/backtests.md"
fi
