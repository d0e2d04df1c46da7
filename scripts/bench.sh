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

echo
echo "== peak memory, simple12, default threads"
for n in 100000 1000000 10000000 100000000; do
  read -r t rss < <(REPEAT=1 measure "$BIN" run "$SIMPLE" --trials "$n" --seed 1 --quiet --out "$OUT/mem-$n")
  echo "trials $n: max RSS ${rss} KiB (${t}s)"
done
