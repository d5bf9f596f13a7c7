#!/usr/bin/env python3
"""landform sharding benchmark: the AWS API calls of a no-op plan, one organization stack
against account shards, for one large organization in the moto emulator. A benchmark, not a
test (scripts/shard-bench.sh runs it).

The organization (N accounts: workloads x 8 environments, one OU per environment under
`workloads`) is built once out of band with boto3, its ids recorded with `landform lock
--from-state`, and the tree generated twice from the same blueprint: without
`organization.shard_above` (one organization stack) and with it (`shard_by: ou`: one stack per
environment). Each variant's stacks are applied on their own state, which imports every
existing object (no account is created: moto's account creation is what makes large applies
slow), then planned again: that no-op plan is measured (seconds, API calls the emulator served).

    python shard_bench.py --landform BIN [--workloads 125] [--timeout 5400]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import emulator  # noqa: E402
import run as oracle  # noqa: E402

ENVS = ["dev", "test", "qa", "uat", "perf", "staging", "dr", "prod"]
REGION = "us-east-1"


def blueprint(workloads: int, sharded: bool) -> str:
    s = "version: 1\norganization:\n  name: big\n  email: \"aws+{account}@big.example\"\n"
    s += f"  home_region: {REGION}\n"
    if sharded:
        s += f"  shard_above: {300 if workloads * len(ENVS) > 300 else 4}\n  shard_by: ou\n"
    s += "environments:\n" + "".join(f"  {e}: {{ ou: {e} }}\n" for e in ENVS)
    s += "workloads:\n" + "".join(
        f"  w{w:04}: {{ environments: [{', '.join(ENVS)}] }}\n" for w in range(1, workloads + 1)
    )
    s += "organizational_units:\n  workloads: { name: Workloads }\n"
    s += "".join(f"  {e}: {{ name: {e}, parent: workloads }}\n" for e in ENVS)
    return s


def build(org, workloads: int) -> dict:
    """The organization the blueprint describes, made with boto3; a `terraform show -json`
    document holding its ids (what `landform lock --from-state` reads)."""
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    desc = org.describe_organization()["Organization"]
    resources = [
        {
            "mode": "managed",
            "type": "aws_organizations_organization",
            "name": "this",
            "values": {"id": desc["Id"], "roots": [{"id": root}]},
        }
    ]
    workloads_ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    resources.append(
        {"mode": "managed", "type": "aws_organizations_organizational_unit", "name": "workloads", "values": {"id": workloads_ou}}
    )
    ous = {}
    for e in ENVS:
        ous[e] = org.create_organizational_unit(ParentId=workloads_ou, Name=e)["OrganizationalUnit"]["Id"]
        resources.append(
            {"mode": "managed", "type": "aws_organizations_organizational_unit", "name": e, "values": {"id": ous[e]}}
        )
    for w in range(1, workloads + 1):
        for e in ENVS:
            name = f"w{w:04}-{e}"
            status = org.create_account(
                AccountName=name,
                Email=f"aws+{name}@big.example",
                Tags=[{"Key": "environment", "Value": e}, {"Key": "workload", "Value": f"w{w:04}"}],
            )["CreateAccountStatus"]
            acct = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"][
                "AccountId"
            ]
            org.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=ous[e])
            resources.append(
                {
                    "mode": "managed",
                    "type": "aws_organizations_account",
                    "name": name.replace("-", "_"),
                    "values": {"id": acct},
                }
            )
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


def stacks_of(tree: Path) -> list[str]:
    """The stacks in the generated README's apply order."""
    readme = (tree / "README.md").read_text()
    out = []
    for line in readme.splitlines():
        if line.startswith("cd ") and "terraform apply" in line:
            out.append(line.split()[1].removeprefix("../"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--landform", required=True, type=Path)
    ap.add_argument("--workloads", type=int, default=125)
    ap.add_argument("--timeout", type=float, default=5400)
    a = ap.parse_args(argv)
    deadline = oracle.Deadline(a.timeout)
    tmp = Path(tempfile.mkdtemp(prefix="landform-shard-bench-"))
    cli_config = tmp / "terraformrc"
    cli_config.write_text("")
    env = oracle.terraform_env(cli_config)
    plugin_dir = oracle.find_plugin_dir()
    server = None
    ok = True
    try:
        # Only Organizations is used: without AWS's managed IAM policies loaded into every new
        # account's IAM backend, moto creates an account in milliseconds instead of seconds.
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
        server, endpoint = emulator.start()
        clients = oracle.Clients(endpoint, REGION)
        t = time.monotonic()
        state = build(clients.organizations, a.workloads)
        accounts = a.workloads * len(ENVS)
        print(f"built the organization: {accounts} accounts in {time.monotonic() - t:.0f} s (boto3)")
        for sharded in (False, True):
            label = "sharded (shard_by: ou)" if sharded else "one organization stack"
            repo = tmp / ("sharded" if sharded else "single")
            repo.mkdir()
            (repo / "landform.yaml").write_text(blueprint(a.workloads, sharded))
            (repo / "state.json").write_text(json.dumps(state))
            for args in (["generate"], ["lock", "--from-state", "state.json"], ["generate"]):
                p = subprocess.run([str(a.landform), *args], cwd=repo, capture_output=True, text=True)
                if p.returncode != 0:
                    raise oracle.OracleError(f"landform {args}: {p.stdout}{p.stderr}")
            tree = repo / "terraform"
            print(f"{label}:")
            for stack in stacks_of(tree):
                work = repo / "work" / stack
                oracle.prepare_stack(tree / stack, work, endpoint)
                oracle.tf_init(work, env, plugin_dir, deadline)
                _, counts = oracle.tf_apply(work, env, deadline)
                before = emulator.REQUESTS[0]
                p = oracle.tf_plan(work, env, deadline)
                calls = emulator.REQUESTS[0] - before
                declared = sum(
                    f.read_text().count('resource "aws_organizations_account"') for f in (tree / stack).glob("*.tf")
                )
                clean = {0: "no changes", 2: "CHANGES"}.get(p.rc, f"failed ({p.rc})")
                if p.rc != 0:
                    ok = False
                    print(oracle._plan_body(p.out))
                print(
                    f"  {stack}: {declared} accounts; apply (imports) {counts[0]} added, {counts[1]} changed; "
                    f"no-op plan {p.seconds:.1f} s, {calls} API calls, {clean}"
                )
    except Exception as e:
        ok = False
        print(f"{type(e).__name__}: {e}")
    finally:
        if server is not None:
            emulator.stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    print("BENCH: DONE" if ok else "BENCH: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
