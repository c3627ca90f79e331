#!/usr/bin/env bash
# Instructions per call for each contender, counted by valgrind's callgrind
# (examples/calls.rs), and the ratios the benchmarks judge. Unlike timings on a
# shared VM, the counts repeat from run to run; they show where the work is, not how
# long it takes (cache misses and waits are not in them). See BENCHMARKS.md.
#
#   benchmarks/instructions.sh            # every contender, ~3 min
#   benchmarks/instructions.sh get get-jwt
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "valgrind is needed (Debian: apt-get install valgrind)" >&2; exit 2; }

cargo build --release --locked --quiet -p customer-bench --example calls
bin=${CARGO_TARGET_DIR:-target}/release/examples/calls

# A run counts set-up and warm-up too; the difference between two runs of different
# lengths is the calls alone.
few=10 many=110 calls_per_batch=64
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

contenders=("$@")
[ ${#contenders[@]} -gt 0 ] || contenders=(generated-64 raw-hyper-64 reqwest-64 get reqwest-get post reqwest-post get-jwt get-http-signature)
declare -A per_call
printf '%-20s %12s\n' contender instructions/call
for contender in "${contenders[@]}"; do
  a=$(count "$contender" $few)
  b=$(count "$contender" $many)
  per_call[$contender]=$(( (b - a) / ((many - few) * calls_per_batch) ))
  printf '%-20s %12d\n' "$contender" "${per_call[$contender]}"
done

ratio() {
  [ -n "${per_call[$1]:-}" ] && [ -n "${per_call[$2]:-}" ] || return 0
  awk -v a="${per_call[$1]}" -v b="${per_call[$2]}" -v label="$3" \
    'BEGIN { printf "%-44s %.3f\n", label, a / b }'
}
echo
ratio get reqwest-get "1  get: generated / reqwest"
ratio post reqwest-post "2  post: generated / reqwest"
ratio get-jwt get "3c get: JWT-signed / unsigned"
ratio get-http-signature get "3c get: HTTP-Signature / unsigned"
ratio raw-hyper-64 generated-64 "4  64 in flight: raw hyper / generated"
ratio raw-hyper-64 reqwest-64 "4  (reference) raw hyper / reqwest"
