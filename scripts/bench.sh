#!/usr/bin/env bash
# Times whole runs of `muster run` against the numpy baseline on the same
# scenario files, in one invocation, and prints the ratios of the speed
# targets (docs/performance.md records them).
#
# usage: scripts/bench.sh [TRIALS]    (default 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-10000000}
SHARED=${SHARED:-../shared}
BASELINE=$SHARED/bench/numpy_baseline.py
SIMPLE=$SHARED/bench/simple12.toml
GAZA=$SHARED/bench/gaza_format1.toml

python3 -c "import numpy, scipy" 2>/dev/null || pip install --quiet numpy scipy
cargo build --release --quiet
cargo build --release --quiet --example chacha_floor
BIN=target/release/muster
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# Wall-clock seconds (the best of $REPEAT runs, to damp other load on the
# machine) and peak RSS (KiB) of a command.
REPEAT=${REPEAT:-3}
measure() {
  python3 - "$REPEAT" "$@" <<'PY'
import resource, subprocess, sys, time
best = None
for _ in range(int(sys.argv[1])):
    t = time.perf_counter()
    subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    best = dt if best is None else min(best, dt)
print(f"{best:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
}

# numpy's own simulation time (it prints seconds,N on stderr).
numpy_seconds() {
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$BASELINE" "$1" "$2" 2>&1 >/dev/null | sed -n 's/^seconds,//p'
}

rate() { python3 -c "print(f'{$1/$2:,.0f}')"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }

echo "trials: $TRIALS; cores: $(nproc)"
floors=$(for _ in 1 2 3; do target/release/examples/chacha_floor "$TRIALS" 24 2>/dev/null; done)
loop_floor=$(echo "$floors" | sed -n 's/^loop_seconds,//p' | sort -n | head -1)
block_floor=$(echo "$floors" | sed -n 's/^block_seconds,//p' | sort -n | head -1)
echo "generator floor, 24 ChaCha8 words/trial, 1 thread, best of 3:"
echo "  bare next_u32 loop: ${loop_floor}s; block copies of 4,096 words: ${block_floor}s"

for sc in "$SIMPLE" "$GAZA"; do
  name=$(basename "$sc" .toml)
  read -r t_def rss_def < <(measure "$BIN" run "$sc" --trials "$TRIALS" --seed 1 --quiet --out "$OUT/$name-d")
  read -r t_one rss_one < <(measure "$BIN" run "$sc" --trials "$TRIALS" --seed 1 --quiet --threads 1 --out "$OUT/$name-1")
  read -r t_two _ < <(measure "$BIN" run "$sc" --trials "$TRIALS" --seed 1 --quiet --threads 2 --out "$OUT/$name-2")
  t_np=$(numpy_seconds "$sc" "$TRIALS")
  echo
  echo "== $name"
  echo "muster default threads: ${t_def}s ($(rate "$TRIALS" "$t_def") trials/s), max RSS ${rss_def} KiB"
  echo "muster --threads 1:     ${t_one}s ($(rate "$TRIALS" "$t_one") trials/s), max RSS ${rss_one} KiB"
  echo "muster --threads 2:     ${t_two}s ($(rate "$TRIALS" "$t_two") trials/s)"
  echo "numpy baseline:         ${t_np}s ($(rate "$TRIALS" "$t_np") trials/s)"
  echo "ratio default threads / numpy: $(ratio "$t_np" "$t_def")x   (target >= 15)"
  echo "ratio 2 threads / 1 thread:    $(ratio "$t_one" "$t_two")x   (target >= 1.8)"
  if [ "$sc" = "$SIMPLE" ]; then
    echo "1 thread / bare-loop floor:    $(ratio "$t_one" "$loop_floor")   (target <= 2)"
    echo "1 thread / block-copy floor:   $(ratio "$t_one" "$block_floor")"
  fi
done

# A scenario with time against the same file with its changes removed (and
# against the format-1 file of the same force, on the fast engine).
TIMED=scenarios/gaza_isf_2025-11.toml
python3 - "$TIMED" "$OUT/no_changes.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
# Drop every [[conditions.NAME.changes]] table: from its header to the next header.
out = re.sub(r"(?ms)^\[\[conditions\.[A-Za-z0-9_]+\.changes\]\].*?(?=^\[)", "", text)
open(sys.argv[2], "w").write(out)
PY
T_TRIALS=$((TRIALS / 10))
read -r t_timed _ < <(measure "$BIN" run "$TIMED" --trials "$T_TRIALS" --seed 1 --quiet --threads 1 --out "$OUT/timed")
read -r t_plain _ < <(measure "$BIN" run "$OUT/no_changes.toml" --trials "$T_TRIALS" --seed 1 --quiet --threads 1 --out "$OUT/plain")
read -r t_f1 _ < <(measure "$BIN" run "$GAZA" --trials "$T_TRIALS" --seed 1 --quiet --threads 1 --out "$OUT/f1")
echo
echo "== time (format 2), $T_TRIALS trials, 1 thread"
echo "timed Gaza file:               ${t_timed}s ($(rate "$T_TRIALS" "$t_timed") trials/s)"
echo "same file, changes removed:    ${t_plain}s ($(rate "$T_TRIALS" "$t_plain") trials/s)"
echo "format-1 Gaza (fast engine):   ${t_f1}s ($(rate "$T_TRIALS" "$t_f1") trials/s)"
echo "timed / changes removed:       $(ratio "$t_timed" "$t_plain")x   (target <= 3)"
echo "timed / format-1 fast engine:  $(ratio "$t_timed" "$t_f1")x"

echo
echo "== peak memory, simple12, default threads"
for n in 100000 1000000 10000000 100000000; do
  read -r t rss < <(REPEAT=1 measure "$BIN" run "$SIMPLE" --trials "$n" --seed 1 --quiet --out "$OUT/mem-$n")
  echo "trials $n: max RSS ${rss} KiB (${t}s)"
done
