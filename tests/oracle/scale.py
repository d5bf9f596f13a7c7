#!/usr/bin/env python3
"""landform at organization scale against the emulator: a benchmark, not a test.

For each size (accounts), writes a synthetic blueprint with every section on (logging, security,
baseline, backup, contacts, budgets, identity center with delegated admin, guardrails, a tag
policy and a custom SCP, state), runs `landform generate`, counts the provider blocks of the
whole tree, then applies every stack in the README's order to one moto emulator (the oracle
harness's `apply_stack`: what moto lacks is left out with the call named) and re-plans it.
Prints, per stack: resources applied, apply time, no-op plan time and the AWS API calls the
emulator served during the apply and during the no-op plan.

    python scale.py --landform target/debug/landform --accounts 100,1000 [--timeout 7200]
        [--json report.json] [--keep]

Nothing here fails on a slow machine: exit 1 only when a stack does not apply or re-plan clean.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import emulator  # noqa: E402
import run  # noqa: E402

NAMED = ["security", "log_archive", "network", "shared_services", "build_tools", "backup"]
SANDBOXES = ["alice", "bob"]
# Accounts per workload: dev, staging, and prod in each of the two allowed regions.
PER_WORKLOAD = 4


def blueprint(accounts: int) -> str:
    """A blueprint of exactly `accounts` accounts when `accounts - 8` is a multiple of 4."""
    workloads = max(accounts - len(NAMED) - len(SANDBOXES), 0) // PER_WORKLOAD
    lines = [
        "version: 1",
        "organization:",
        "  name: scale",
        '  email: "aws+{account}@scale.example"',
        "  home_region: eu-west-1",
        "  regions: [eu-west-1, eu-central-1]",
        "  tags: { cost-center: platform, managed-by: landform }",
        "state: { bucket: scale-tfstate }",
        "environments:",
        "  dev:     { ou: nonprod }",
        "  staging: { ou: nonprod }",
        "  prod:    { ou: prod, per_region: true }",
        "accounts:",
        *[f"  {a}: {{ ou: {'backup' if a == 'backup' else 'infrastructure' if a in ('network', 'shared_services', 'build_tools') else 'security'} }}" for a in NAMED],
        f"sandboxes: [{', '.join(SANDBOXES)}]",
        "organizational_units:",
        "  security:       { name: Security }",
        "  infrastructure: { name: Infrastructure }",
        "  backup:         { name: Backup }",
        "  workloads:      { name: Workloads }",
        "  prod:           { name: Prod, parent: workloads }",
        "  nonprod:        { name: NonProd, parent: workloads }",
        "  sandbox:        { name: Sandbox }",
        "  suspended:      { name: Suspended }",
        "guardrails:",
        "  deny_leave_organization: [root]",
        "  deny_root_user: [root]",
        "  region_restriction: [root]",
        "  protect_audit_logging: [root]",
        "  protect_access_roles: [root]",
        "  protect_log_archive: [log_archive]",
        "  deny_all: [suspended]",
        "tagging:",
        "  attach: [root]",
        "  tags:",
        '    CostCenter: { values: ["100", "200"] }',
        "policies:",
        "  deny-large-instances:",
        "    type: scp",
        "    file: policies/deny-large-instances.json",
        "    description: Keeps nonprod small",
        "    attach: [nonprod]",
        "identity_center:",
        "  admin_account: security",
        "  groups: [platform-admins, developers, auditors]",
        "  permission_sets:",
        "    admin:    { managed: [AdministratorAccess], session: 1h }",
        "    readonly: { managed: [ReadOnlyAccess], session: 8h }",
        "  access:",
        "    - { group: platform-admins, permission_set: admin,    accounts: all, exclude: [suspended] }",
        "    - { group: developers,      permission_set: readonly, environments: [prod] }",
        "logging:",
        "  account: log_archive",
        "  kms: true",
        "security:",
        "  admin_account: security",
        "  guardduty: { enabled: true }",
        "  securityhub: { standards: [aws-foundational-security-best-practices] }",
        "  config: { enabled: true, aggregator: true }",
        "  access_analyzer: { enabled: true }",
        "baseline:",
        "  exclude: [suspended]",
        "backup:",
        "  plans:",
        '    prod: { schedule: "cron(0 3 ? * * *)", retention_days: 35, copy_region: eu-central-1 }',
        "contacts:",
        '  phone: "+1 555 0100"',
        "budgets:",
        "  default: 200",
        "  environments: { prod: 5000 }",
        "workloads:",
    ]
    for i in range(workloads):
        lines.append(f"  w{i:04}: {{ environments: [dev, staging, prod], owner: team-{i % 37} }}")
    return "\n".join(lines) + "\n"


SCP = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyLargeInstances",
            "Effect": "Deny",
            "Action": "ec2:RunInstances",
            "Resource": "arn:aws:ec2:*:*:instance/*",
            "Condition": {"ForAnyValue:StringLike": {"ec2:InstanceType": ["*.8xlarge", "*.16xlarge"]}},
        }
    ],
}


def stack_order(tree: Path) -> list[str]:
    """The stacks in the order the generated README gives."""
    readme = (tree / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^\| \d+ \| `([a-z0-9-]+)/` \|", readme, re.M)


def provider_blocks(tree: Path) -> int:
    return sum(
        len(re.findall(r'^provider "aws"', p.read_text(encoding="utf-8"), re.M))
        for p in tree.rglob("*.tf")
    )


def state_count(workdir: Path, env: dict[str, str]) -> int | None:
    try:
        p = subprocess.run(["terraform", "state", "list"], cwd=workdir, env=env,
                           capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return len([l for l in p.stdout.splitlines() if l.startswith("aws_")]) if p.returncode == 0 else None


def machine() -> str:
    cpus = os.cpu_count() or 0
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs ({model}){mem}"


def tool_version(args: list[str]) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=60).stdout
        return out.splitlines()[0].strip() if out else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def measure(landform: Path, accounts: int, deadline: run.Deadline, keep: bool, log) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"landform-scale-{accounts}-"))
    result: dict[str, Any] = {"accounts": accounts, "stacks": []}
    server = None
    try:
        (work / "policies").mkdir()
        (work / "policies" / "deny-large-instances.json").write_text(json.dumps(SCP, indent=2))
        (work / "landform.yaml").write_text(blueprint(accounts))
        t0 = time.monotonic()
        g = subprocess.run([str(landform), "generate"], cwd=work, capture_output=True, text=True)
        if g.returncode != 0:
            raise run.OracleError(f"landform generate failed:\n{g.stderr}")
        result["generate_s"] = round(time.monotonic() - t0, 2)
        tree = work / "terraform"
        result["provider_blocks"] = provider_blocks(tree)
        result["files"] = sum(1 for p in tree.rglob("*") if p.is_file())
        stacks = stack_order(tree)
        log(f"{accounts} accounts: generated {result['files']} files in {result['generate_s']} s, "
            f"{result['provider_blocks']} provider blocks; stacks: {', '.join(stacks)}")
        plugin_dir = run.find_plugin_dir()
        cli_config = work / "terraformrc"
        cli_config.write_text("")
        env = run.terraform_env(cli_config)
        server, endpoint = emulator.start()
        for stack in stacks:
            before = emulator.REQUESTS[0]
            res = run.apply_stack(stack, tree / stack, work / "apply" / stack, endpoint, env,
                                  plugin_dir, deadline, log)
            row = {
                "stack": stack,
                "resources": res.added,
                "left_out": len(res.skipped),
                "apply_s": round(res.apply_s, 1),
                "apply_calls": res.apply_calls,
                "plan_s": round(res.plan_s, 1),
                "plan_calls": res.plan_calls,
                "all_calls": emulator.REQUESTS[0] - before,
                "clean": res.plan_clean,
                "error": res.error,
            }
            result["stacks"].append(row)
            if res.error:
                # How far it got: what Terraform's state holds after the stop.
                row["in_state"] = state_count(work / "apply" / stack, env)
                log(f"[{stack}] FAILED with {row['in_state']} resources in state: {res.error[:2000]}")
                break
            log(f"[{stack}] {res.added} resources ({len(res.skipped)} left out) applied in "
                f"{res.apply_s:.1f} s / {res.apply_calls} calls; no-op plan {res.plan_s:.1f} s / "
                f"{res.plan_calls} calls")
    except (run.OracleError, RuntimeError, OSError) as e:
        result["error"] = str(e)
        log(f"error: {e}")
    finally:
        if server is not None:
            emulator.stop(server)
        if keep:
            log(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return result


def table(results: list[dict[str, Any]]) -> str:
    out = [
        "| accounts | stack | resources | left out (moto) | apply | API calls (apply) | no-op plan | API calls (no-op plan) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for s in r["stacks"]:
            status = "" if s["clean"] else f" (stopped: {s.get('in_state')} resources in state)"
            out.append(
                f"| {r['accounts']} | `{s['stack']}/`{status} | {s['resources']} | {s['left_out']} | "
                f"{s['apply_s']:.1f} s | {s['apply_calls']} | {s['plan_s']:.1f} s | {s['plan_calls']} |"
            )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--landform", required=True, type=Path, help="the landform binary")
    ap.add_argument("--accounts", default="100,1000", help="comma-separated sizes (default 100,1000)")
    ap.add_argument("--timeout", type=float, default=7200, help="time budget per size, seconds")
    ap.add_argument("--until", help="stop by this UTC time (HH:MM, today or just after midnight)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    a = ap.parse_args(argv)
    landform = a.landform.resolve()

    def log(msg: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)

    log(f"machine: {machine()}")
    log(f"{tool_version(['terraform', 'version'])}; moto {tool_version([sys.executable, '-c', 'import moto; print(moto.__version__)'])}")
    results = []
    for n in [int(x) for x in a.accounts.split(",") if x.strip()]:
        budget = a.timeout
        if a.until:
            h, m = (int(x) for x in a.until.split(":"))
            now = time.gmtime()
            left = (h * 3600 + m * 60) - (now.tm_hour * 3600 + now.tm_min * 60 + now.tm_sec)
            if left < -12 * 3600:
                left += 24 * 3600
            budget = min(budget, left)
            log(f"{n} accounts: {budget:.0f} s until {a.until} UTC")
        r = measure(landform, n, run.Deadline(budget), a.keep, log)
        results.append(r)
        if a.json:
            a.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=2))
        print(table([r]), flush=True)
    print(table(results))
    blocks = {r["accounts"]: r.get("provider_blocks") for r in results}
    print(f"provider blocks in the whole tree: {blocks}")
    ok = all(not r.get("error") and all(s["clean"] for s in r["stacks"]) for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
