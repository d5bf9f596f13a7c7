#!/usr/bin/env bash
# The sharding benchmark behind the README's numbers: a 1,000-account organization (125
# workloads x 8 environments, one OU per environment) in the moto emulator, planned as one
# organization stack and as account shards (shard_by: ou), reporting every stack's no-op plan:
# seconds and AWS API calls. Needs LANDFORM_PYTHON (the pinned moto), terraform and the
# provider mirror. Usage: scripts/shard-bench.sh [WORKLOADS, default 125]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
"${LANDFORM_PYTHON:-python3}" tests/oracle/shard_bench.py --landform target/debug/landform \
  --workloads "${1:-125}"
