#!/usr/bin/env python3
"""Checks that the emulator's patches keep AWS's semantics (fast: no terraform).

  * CreateAccountAssignment sent twice for one (instance, account, permission set, principal)
    leaves one assignment, as in AWS, and the repeat is counted.
  * A CloudFormation resource type moto cannot create is collected once for the report
    instead of one log line per resource per stack instance.

Prints PATCHES: PASS and exits 0 when every check holds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import emulator  # noqa: E402


def main() -> int:
    import boto3

    server, endpoint = emulator.start()
    failures: list[str] = []
    try:
        sso = boto3.client(
            "sso-admin",
            endpoint_url=endpoint,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        instance = sso.list_instances()["Instances"][0]["InstanceArn"]
        ps = sso.create_permission_set(Name="ReadOnly", InstanceArn=instance)["PermissionSet"][
            "PermissionSetArn"
        ]
        assignment = dict(
            InstanceArn=instance,
            TargetId="111111111111",
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=ps,
            PrincipalType="GROUP",
            PrincipalId="e1a3e695-6bd3-4ffb-84fd-38630e8eb65f",
        )
        sso.create_account_assignment(**assignment)
        sso.create_account_assignment(**assignment)
        listed = sso.list_account_assignments(
            InstanceArn=instance, AccountId="111111111111", PermissionSetArn=ps
        )["AccountAssignments"]
        if len(listed) != 1:
            failures.append(f"a repeated CreateAccountAssignment left {len(listed)} assignments, AWS keeps 1")
        if emulator.CALLS.get("sso-admin:CreateAccountAssignment(already exists)") != 1:
            failures.append(f"the repeat was not counted: {emulator.CALLS}")
        other = dict(assignment, PrincipalId="0f9e8d7c-0000-4000-8000-000000000000")
        sso.create_account_assignment(**other)
        listed = sso.list_account_assignments(
            InstanceArn=instance, AccountId="111111111111", PermissionSetArn=ps
        )["AccountAssignments"]
        if len(listed) != 2:
            failures.append(f"a second principal's assignment was not created: {len(listed)} listed")
        cfn = boto3.client(
            "cloudformation",
            endpoint_url=endpoint,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        template = {"Resources": {"A": {"Type": "AWS::SSM::Association", "Properties": {"Name": "x"}}}}
        cfn.create_stack(StackName="gap", TemplateBody=json.dumps(template))
        if "AWS::SSM::Association" not in emulator.CFN_UNSUPPORTED:
            failures.append(f"the CloudFormation gap was not collected: {sorted(emulator.CFN_UNSUPPORTED)}")
    finally:
        emulator.stop(server)
    for f in failures:
        print(f"FAIL {f}")
    print("PATCHES: PASS" if not failures else "PATCHES: FAIL")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
