#!/usr/bin/env python3
"""landform adoption probe: build an organization in moto out of band (boto3: OUs, accounts,
an SCP and its attachments), export it with the same API calls as the README's export script,
run `landform adopt`, then plan the generated organization stack against that same emulator.
The plan must import every existing object and create, replace or destroy nothing; after
apply, the next plan must be empty.

    python adopt_check.py --landform PATH_TO_BINARY [--timeout 900]

Prints the planned changes and `ADOPT: PASS` or `ADOPT: FAIL`; exit 0 on pass.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import emulator  # noqa: E402
import run as oracle  # noqa: E402

REGION = "eu-west-1"
POLICY_TYPES = [
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
]


def build_organization(org: Any) -> dict[str, int]:
    """The organization a team made by hand before landform."""
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")

    def ou(name: str, parent: str) -> str:
        return org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    security = ou("Security", root)
    workloads = ou("Workloads", root)
    prod = ou("Prod", workloads)
    nonprod = ou("NonProd", workloads)

    def account(name: str, parent: str) -> str:
        status = org.create_account(AccountName=name, Email=f"aws+{name}@acme.example")["CreateAccountStatus"]
        acct = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=parent)
        return acct

    account("security", security)
    account("log-archive", security)
    account("payments-dev", nonprod)
    account("payments-prod", prod)
    legacy = account("web-dev", nonprod)
    policy = org.create_policy(
        Name="deny-leave",
        Description="Members cannot leave",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
            }
        ),
    )["Policy"]["PolicySummary"]["Id"]
    for target in (root, workloads, legacy):
        org.attach_policy(PolicyId=policy, TargetId=target)
    # organization, 4 OUs, 5 accounts, 1 policy, 3 attachments
    return {"aws_organizations_organization": 1, "aws_organizations_organizational_unit": 4,
            "aws_organizations_account": 5, "aws_organizations_policy": 1,
            "aws_organizations_policy_attachment": 3}


def export(org: Any, out: Path) -> None:
    """What the README's export script writes: the API responses, one JSON file each."""
    out.mkdir(parents=True, exist_ok=True)

    def save(name: str, response: dict[str, Any]) -> dict[str, Any]:
        response = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        (out / name).write_text(json.dumps(response, indent=4, default=str))
        return response

    save("organization.json", org.describe_organization())
    roots = save("roots.json", org.list_roots())

    def walk(parent: str) -> None:
        ous = save(f"ous-{parent}.json", org.list_organizational_units_for_parent(ParentId=parent))
        for ou in ous["OrganizationalUnits"]:
            walk(ou["Id"])

    for root in roots["Roots"]:
        walk(root["Id"])
    accounts = save("accounts.json", org.list_accounts())
    for a in accounts["Accounts"]:
        save(f"parents-{a['Id']}.json", org.list_parents(ChildId=a["Id"]))
    for ptype in POLICY_TYPES:
        policies = save(f"policies-{ptype}.json", org.list_policies(Filter=ptype))
        for p in policies["Policies"]:
            if p.get("AwsManaged"):
                continue
            save(f"policy-{p['Id']}.json", org.describe_policy(PolicyId=p["Id"]))
            save(f"targets-{p['Id']}.json", org.list_targets_for_policy(PolicyId=p["Id"]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--landform", required=True, type=Path)
    ap.add_argument("--timeout", type=float, default=900)
    a = ap.parse_args(argv)
    deadline = oracle.Deadline(a.timeout)
    tmp = Path(tempfile.mkdtemp(prefix="landform-adopt-"))
    cli_config = tmp / "terraformrc"
    cli_config.write_text("")
    env = oracle.terraform_env(cli_config)
    plugin_dir = oracle.find_plugin_dir()
    failures: list[str] = []
    server = None
    try:
        server, endpoint = emulator.start()
        clients = oracle.Clients(endpoint, REGION)
        expected = build_organization(clients.organizations)
        repo = tmp / "repo"
        export(clients.organizations, repo / "aws-export")
        adopt = subprocess.run(
            [str(a.landform), "adopt", "--from", "aws-export", "--home-region", REGION],
            cwd=repo, capture_output=True, text=True, timeout=60,
        )
        print(adopt.stdout + adopt.stderr)
        if adopt.returncode != 0:
            raise oracle.OracleError(f"landform adopt exited {adopt.returncode}")
        work = tmp / "organization"
        oracle.prepare_stack(repo / "terraform" / "organization", work, endpoint)
        oracle.tf_init(work, env, plugin_dir, deadline)
        p = oracle.tf_plan(work, env, deadline, ["-out=adopt.plan"])
        if p.rc not in (0, 2):
            raise oracle.OracleError(f"plan failed:\n{oracle._tail(p.out)}")
        show = oracle.run_cmd(["terraform", "show", "-json", "adopt.plan"], work, env, deadline.left())
        plan = json.loads(show.out)
        imported: dict[str, int] = {}
        for rc in plan.get("resource_changes", []):
            actions = rc["change"]["actions"]
            importing = "importing" in rc["change"]
            print(f"  {rc['address']}: {'+'.join(actions)}{' (import)' if importing else ''}")
            if "create" in actions or "delete" in actions:
                failures.append(f"{rc['address']} would be {'+'.join(actions)}")
            if importing:
                imported[rc["type"]] = imported.get(rc["type"], 0) + 1
        if imported != expected:
            failures.append(f"imports {imported} != the organization's objects {expected}")
        if failures:
            raise oracle.OracleError("the first plan does not just import:\n" + "\n".join(failures))
        _, counts = oracle.tf_apply(work, env, deadline)
        print(f"apply: {counts[0]} added, {counts[1]} changed, {counts[2]} destroyed")
        if counts[0] or counts[2]:
            failures.append(f"apply added {counts[0]} and destroyed {counts[2]} resources")
        p = oracle.tf_plan(work, env, deadline)
        if p.rc != 0:
            failures.append("the plan after apply is not empty:\n" + oracle._plan_body(p.out))
    except Exception as e:
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        if server is not None:
            emulator.stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"FAILED: {f}")
    print("ADOPT: PASS" if not failures else "ADOPT: FAIL")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
