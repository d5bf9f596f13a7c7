#!/usr/bin/env bash
# End-to-end benchmark of the release binary, as a user runs it: `landform generate` on a
# synthetic blueprint of 1,000 and 10,000 accounts (the blueprint of benches/generate.rs),
# into an empty folder (first generation) and again over its own output (a no-op
# regeneration). Prints the median wall time of RUNS runs (default 5) and the peak RSS
# (/usr/bin/time). Numbers, not a test: nothing here fails on a slow machine.
# Usage: scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
cargo build --release -q
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/landform"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

synthetic() { # accounts → blueprint YAML (same as `synthetic` in benches/generate.rs)
  python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
print("""version: 1
organization:
  name: bench
  email: "aws+{account}@bench.example"
  home_region: eu-west-1
  regions: [eu-west-1, eu-central-1]
  tags: { cost-center: platform, managed-by: landform }
environments:
  dev:     { ou: nonprod }
  staging: { ou: nonprod }
  prod:    { ou: prod, per_region: true }
accounts:
  security:        { ou: security }
  log_archive:     { ou: security }
  network:         { ou: infrastructure }
  shared_services: { ou: infrastructure }
organizational_units:
  security:       { name: Security }
  infrastructure: { name: Infrastructure }
  workloads:      { name: Workloads }
  prod:           { name: Prod, parent: workloads }
  nonprod:        { name: NonProd, parent: workloads }
guardrails:
  deny_leave_organization: [root]
  deny_root_user: [root]
  region_restriction: [workloads]
  protect_audit_logging: [root]
identity_center:
  groups: [admins, developers]
  permission_sets:
    admin:     { managed: [AdministratorAccess], session: 1h }
    readonly:  { managed: [ReadOnlyAccess], session: 8h }
  access:
    - { group: admins, permission_set: admin, accounts: all }
    - { group: developers, permission_set: readonly, environments: [prod] }
workloads:""")
for i in range(max(n - 4, 0) // 4):
    print(f"  w{i:05}: {{ environments: [dev, staging, prod], owner: team-{i % 37} }}")
PY
}

# One timed run: prints "<wall ms> <cpu ms (user + system)> <peak RSS KB>".
timed() {
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S %M" -o "$work/rss" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  t1=$(date +%s%N)
  read -r user sys kb <"$work/rss"
  echo "$(( (t1 - t0) / 1000000 )) $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%d", (u + s) * 1000}') $kb"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# On a busy machine the wall time waits for the CPU; the CPU time (user + system, 10 ms
# resolution) is what the run itself costs.
printf '%-9s %-6s %-15s %-14s %s\n' accounts run "wall ms (med)" "cpu ms (med)" "max RSS MB"
for n in 1000 10000; do
  dir="$work/bp$n"
  mkdir -p "$dir"
  synthetic "$n" >"$dir/landform.yaml"
  for kind in first noop; do
    : >"$work/times"; : >"$work/cpus"; : >"$work/rsss"
    for _ in $(seq "$runs"); do
      if [ "$kind" = first ]; then rm -rf "$dir/terraform" "$dir/landform.lock"; fi
      read -r ms cpu kb < <(timed "$bin" generate "$dir/landform.yaml" -o "$dir/terraform")
      echo "$ms" >>"$work/times"; echo "$cpu" >>"$work/cpus"; echo "$kb" >>"$work/rsss"
    done
    printf '%-9s %-6s %-15s %-14s %s\n' "$n" "$kind" "$(median <"$work/times")" "$(median <"$work/cpus")" \
      "$(sort -n "$work/rsss" | tail -1 | awk '{printf "%.1f", $1/1024}')"
  done
done
