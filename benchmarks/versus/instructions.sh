#!/usr/bin/env bash
# Instructions per call, ours against openapi-generator's client, counted by valgrind's
# callgrind (examples/versus_calls.rs; server included on both sides). As
# benchmarks/instructions.sh: the difference between two runs of different lengths is
# the calls alone. See BENCHMARKS.md.
#
#   benchmarks/versus/instructions.sh          # ~3 min after the build
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind > /dev/null || { echo "valgrind is needed (Debian: apt-get install valgrind)" >&2; exit 2; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet --manifest-path benchmarks/versus/Cargo.toml --example versus_calls
bin=$CARGO_TARGET_DIR/release/examples/versus_calls

few=10 many=60 calls_per_batch=64
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
declare -A per_call
printf '%-12s %12s\n' contender instructions/call
for contender in ours-get oag-get ours-post oag-post ours-post-built oag-post-built ours-64 oag-64; do
  a=$(count "$contender" $few)
  b=$(count "$contender" $many)
  per_call[$contender]=$(( (b - a) / ((many - few) * calls_per_batch) ))
  printf '%-12s %12d\n' "$contender" "${per_call[$contender]}"
done
echo
for row in get post post-built 64; do
  awk -v a="${per_call[ours-$row]}" -v b="${per_call[oag-$row]}" -v row="$row" \
    'BEGIN { printf "%-5s ours / openapi-generator: %.3f of its instructions (throughput ratio if instructions were time: %.3f)\n", row, a / b, b / a }'
done
