#!/usr/bin/env bash
# The first build a user pays for (issue 23, point 4): a crate that only calls one client
# (`get_customer`), built cold in release, for customer-client (default features, or the
# features given) and for openapi-generator's client (benchmarks/openapi-generator/, its
# default features), one after the other. Prints wall and CPU seconds of each.
#   benchmarks/cold-build.sh [customer-client features, e.g. "p12" or "mle"]
#   ORDER=reverse benchmarks/cold-build.sh    # openapi-generator's first
# Each crate resolves from the workspace's Cargo.lock (copied), so both build the
# versions CI tests; run it on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
features="${1:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

crate() { # name, dependency line, main.rs body
  mkdir -p "$work/$1/src"
  cat > "$work/$1/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$2
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
EOF
  printf '%s\n' "$3" > "$work/$1/src/main.rs"
  cp "$root/Cargo.lock" "$work/$1/Cargo.lock"
}

feature_list=""
[ -n "$features" ] && feature_list=", features = [\"${features//,/\", \"}\"]"
crate calls-customer-client \
  "customer-client = { path = \"$root/customer-client\"$feature_list }" \
  '#[tokio::main]
async fn main() {
    let client = customer_client::Client::builder(customer_client::Environment::Sandbox)
        .build()
        .expect("a client");
    let answer = client.get_customer().customer_id("0123456789ABCDEF").send().await;
    println!("{}", answer.is_ok());
}'
crate calls-openapi-generator \
  "tms-openapi-generator = { path = \"$root/benchmarks/openapi-generator\" }" \
  '#[tokio::main]
async fn main() {
    let configuration = tms_openapi_generator::apis::configuration::Configuration::new();
    let answer = tms_openapi_generator::apis::customer_api::get_customer(
        &configuration, "0123456789ABCDEF", None).await;
    println!("{}", answer.is_ok());
}'

order=(calls-customer-client calls-openapi-generator)
[ "${ORDER:-}" = reverse ] && order=(calls-openapi-generator calls-customer-client)
for name in "${order[@]}"; do
  (cd "$work/$name" && cargo fetch --quiet)
  /usr/bin/time -o "$work/time" -f "$name${features:+ ($features)}: %e s wall, %U s user + %S s sys" \
    cargo build --release --quiet --manifest-path "$work/$name/Cargo.toml" \
      --target-dir "$work/$name/target" 2> "$work/$name.log" || { cat "$work/$name.log"; exit 1; }
  cat "$work/time"
done
