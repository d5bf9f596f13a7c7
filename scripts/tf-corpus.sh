#!/usr/bin/env bash
# Compares hclfmt with `terraform fmt` on every .tf file under the given folders (for example
# local clones of public module repositories; nothing fetched is ever committed here).
# Usage: scripts/tf-corpus.sh DIR...   Prints how many files were compared and how many equal.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
status=0
for dir in "$@"; do
  echo "== $dir"
  LANDFORM_TF_CORPUS="$(cd "$dir" && pwd)" TF_CLI_CONFIG_FILE=/dev/null \
    cargo test --release -q -p hclfmt --test corpus external_corpus -- --nocapture || status=1
done
exit $status
