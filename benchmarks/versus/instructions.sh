#!/usr/bin/env bash
# Instructions per call, ours against openapi-generator's client, counted by valgrind's
# callgrind (examples/versus_calls.rs; server included on both sides). As
# benchmarks/instructions.sh: the difference between two runs of different lengths is
# the calls alone. See BENCHMARKS.md.
#
#   benchmarks/versus/instructions.sh          # ~3 min after the build
#   benchmarks/versus/instructions.sh --misses # also L1 misses and mispredicted branches
#                                              # (cachegrind's simulation; ~5 min)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind > /dev/null || { echo "valgrind is needed (Debian: apt-get install valgrind)" >&2; exit 2; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet --manifest-path benchmarks/versus/Cargo.toml --example versus_calls
bin=$CARGO_TARGET_DIR/release/examples/versus_calls

few=10 many=60 calls_per_batch=64
contenders=(ours-get oag-get ours-post oag-post ours-post-built oag-post-built ours-64 oag-64)
calls=$(( (many - few) * calls_per_batch ))

if [ "${1:-}" = --misses ]; then
  # What instructions leave out and time pays for: level-1 cache misses (instruction
  # and data, simulated for this machine's caches) and mispredicted branches, per call.
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  summary() {
    valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes \
      --cachegrind-out-file="$out/$1-$2" "$bin" "$1" "$2" > /dev/null 2>&1
    # events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim
    awk '/^summary:/ { print $2, $3, $6 + $9, $12 + $14 }' "$out/$1-$2"
  }
  printf '%-16s %12s %10s %10s %12s\n' contender instructions "I1 misses" "D1 misses" mispredicted
  declare -A row
  for contender in "${contenders[@]}"; do
    row[$contender]=$(paste -d' ' <(summary "$contender" $few | tr ' ' '\n') \
      <(summary "$contender" $many | tr ' ' '\n') |
      awk -v n=$calls '{ printf "%d ", ($2 - $1) / n }')
    # shellcheck disable=SC2086
    printf '%-16s %12d %10d %10d %12d\n' "$contender" ${row[$contender]}
  done
  echo
  for r in get post post-built 64; do
    # shellcheck disable=SC2086
    paste -d' ' <(echo ${row[ours-$r]} | tr ' ' '\n') <(echo ${row[oag-$r]} | tr ' ' '\n') |
      awk -v r="$r" 'BEGIN { split("instructions,I1-misses,D1-misses,mispredicted", name, ",") }
        { printf "%s%s %.3f", (NR == 1 ? sprintf("%-10s ours / openapi-generator:", r) : ","), " " name[NR], $1 / $2 }
        END { print "" }'
  done
  exit 0
fi

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
declare -A per_call
printf '%-12s %12s\n' contender instructions/call
for contender in "${contenders[@]}"; do
  a=$(count "$contender" $few)
  b=$(count "$contender" $many)
  per_call[$contender]=$(( (b - a) / calls ))
  printf '%-12s %12d\n' "$contender" "${per_call[$contender]}"
done
echo
for row in get post post-built 64; do
  awk -v a="${per_call[ours-$row]}" -v b="${per_call[oag-$row]}" -v row="$row" \
    'BEGIN { printf "%-5s ours / openapi-generator: %.3f of its instructions (throughput ratio if instructions were time: %.3f)\n", row, a / b, b / a }'
done
