#!/usr/bin/env bash
# The sharding benchmark: a 1,000-account organization (125 workloads x 8 environments, one OU
# per environment) applied against the moto emulator twice, sharded by OU (8 stacks of 125
# accounts) and as one organization stack, reporting each stack's no-op plan: seconds and AWS
# API calls. Needs the emulator tools (LANDFORM_PYTHON with the pinned moto, terraform and the
# provider mirror); takes tens of minutes. The numbers are in the README ("Sharding").
set -euo pipefail
cd "$(dirname "$0")/.."
export LANDFORM_REQUIRE_TOOLS=1
cargo test --test integration -- --ignored --exact \
  shards::bench_no_op_plan_api_calls_of_a_shard_and_of_one_stack --nocapture 2>&1 |
  sed -n '/^SHARD BENCH/,/^test /p'
