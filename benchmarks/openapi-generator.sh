#!/usr/bin/env bash
# Regenerates benchmarks/openapi-generator/: openapi-generator's Rust client (reqwest) for
# openapi/tms-customers.yaml, the baseline users would pick instead of this workspace.
# openapi-generator-cli from PyPI (pinned; it carries the generator's jar, and needs Java).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/tools/openapi-generator-venv
if [ ! -x "$venv/bin/openapi-generator-cli" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check openapi-generator-cli==7.26.0
fi
rm -rf benchmarks/openapi-generator
"$venv/bin/openapi-generator-cli" generate -i openapi/tms-customers.yaml -g rust --library reqwest \
  -o benchmarks/openapi-generator \
  --additional-properties=packageName=tms-openapi-generator,packageVersion=0.0.0 > /dev/null
# Not a crate of this workspace's (its edition and lints are the generator's).
rm -f benchmarks/openapi-generator/git_push.sh benchmarks/openapi-generator/.travis.yml
echo "regenerated benchmarks/openapi-generator/"
