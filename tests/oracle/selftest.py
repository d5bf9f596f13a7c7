#!/usr/bin/env python3
"""Self-test of the oracle harness against the hand-written sample tree.

One emulator; applies sample/{organization,identity-center,account-baseline}
and then checks that:
  1. the state checks are green for the sample model;
  2. a deliberately wrong model fails with a clear message;
  3. the cross-account alias (assume_role into OrganizationAccountAccessRole)
     created its resources in the member account, not the management one;
  4. renaming an account (name only) plans as an in-place update and applies
     through the PutAccountName patch;
  5. changing permission-set tags goes through the SSO Admin Tag/UntagResource
     patches and re-plans clean.

    python selftest.py [--timeout 900]
Exit 0 when every step passed.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import emulator  # noqa: E402
import run  # noqa: E402

SAMPLE = HERE / "sample"


class StepFailed(Exception):
    pass


def expect(cond: bool, msg: str) -> None:
    if not cond:
        raise StepFailed(msg)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args(argv)

    model = json.loads((SAMPLE / "model.json").read_text())
    region = model["organization"]["home_region"]
    deadline = run.Deadline(a.timeout)
    plugin_dir = run.find_plugin_dir()
    tmp = Path(tempfile.mkdtemp(prefix="landform-oracle-selftest-"))
    (tmp / "terraformrc").write_text("")
    env = run.terraform_env(tmp / "terraformrc")
    results: list[tuple[str, bool, str]] = []

    def step(name: str, fn) -> None:  # type: ignore[no-untyped-def]
        t0 = time.monotonic()
        try:
            detail = fn() or ""
            results.append((name, True, detail))
            print(f"PASS {name} ({time.monotonic() - t0:.1f} s) {detail}", flush=True)
        except (StepFailed, run.OracleError) as e:
            results.append((name, False, str(e)))
            print(f"FAIL {name} ({time.monotonic() - t0:.1f} s): {e}", flush=True)

    server = None
    try:
        server, endpoint = emulator.start()
        clients = run.Clients(endpoint, region)
        wd = {s: tmp / s for s in ("organization", "identity-center", "account-baseline")}

        def apply_all() -> str:
            out = []
            for s, w in wd.items():
                r = run.apply_stack(s, SAMPLE / s, w, endpoint, env, plugin_dir, deadline)
                if r.error:
                    raise StepFailed(f"[{s}] {r.error}")
                out.append(
                    f"\n    {s}: {r.added} resources; init {r.init_s:.1f} s, apply {r.apply_s:.1f} s, "
                    f"re-plan {r.plan_s:.1f} s (clean)"
                )
            return "".join(out)

        step("apply sample stacks, re-plan clean", apply_all)

        def green() -> str:
            for name, check in run.CHECKS.items():
                errs = check(clients, model)
                expect(not errs, f"{name}: " + "; ".join(errs))
            return "organization + identity-center match the model"

        step("checks green on the sample model", green)

        def wrong_model() -> str:
            bad = copy.deepcopy(model)
            acc = next(x for x in bad["accounts"] if x["key"] == "payments_prod")
            acc["email"] = "aws+payments-production@acme.example"
            bad["policies"][0]["targets"] = ["root"]
            bad["identity_center"]["assignments"].pop()
            errs = run.check_organization(clients, bad)
            print("    check_organization on a wrong model says:")
            for e in errs:
                print(f"      - {e}")
            expect(
                any("aws+payments-production@acme.example" in e and "found 0" in e for e in errs),
                "missing-email mismatch not reported",
            )
            expect(any("unexpected account 'payments-prod'" in e for e in errs), "extra account not reported")
            expect(any("attached to" in e for e in errs), "policy target mismatch not reported")
            errs = run.check_identity_center(clients, bad)
            print("    check_identity_center on a wrong model says:")
            for e in errs:
                print(f"      - {e}")
            expect(any(e.startswith("unexpected assignment") for e in errs), "extra assignment not reported")
            return ""

        step("wrong model is rejected with clear messages", wrong_model)

        def cross_account() -> str:
            st = run.resolve_org(clients, model)
            pp = st.account_ids["payments_prod"]
            p = run.run_cmd(["terraform", "output", "-json"], wd["account-baseline"], env, min(60, deadline.left()))
            outputs = json.loads(p.out)
            expect(
                outputs["payments_prod_caller_account"]["value"] == pp,
                f"aliased provider ran as {outputs['payments_prod_caller_account']['value']}, want {pp}",
            )
            creds = clients.sts.assume_role(
                RoleArn=f"arn:aws:iam::{pp}:role/{run.MANAGEMENT_ROLE}", RoleSessionName="oracle"
            )["Credentials"]
            import boto3

            sess = boto3.session.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=region,
            )
            iam = sess.client("iam", endpoint_url=endpoint)
            role = iam.get_role(RoleName="landform-audit")["Role"]
            expect(f":{pp}:" in role["Arn"], f"role ARN {role['Arn']} not in account {pp}")
            attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="landform-audit")["AttachedPolicies"]]
            expect(attached == ["arn:aws:iam::aws:policy/ReadOnlyAccess"], f"attached {attached}")
            ec2 = sess.client("ec2", endpoint_url=endpoint)
            expect(ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"], "EBS encryption not on")
            mgmt_roles = [r["RoleName"] for r in clients.iam.list_roles()["Roles"]]
            expect("landform-audit" not in mgmt_roles, "role leaked into the management account")
            return f"role + EBS default encryption landed in {pp} via assume_role"

        step("assume_role alias applies into the member account", cross_account)

        def rename() -> str:
            w = wd["organization"]
            main_tf = w / "main.tf"
            main_tf.write_text(main_tf.read_text().replace('"shared-services"', '"shared-svcs"'))
            before = emulator.CALLS.get("account:PutAccountName", 0)
            p = run.tf_plan(w, env, deadline, ["-out=rename.tfplan"])
            expect(p.rc == 2, f"plan rc {p.rc}, expected 2 (changes):\n{run._tail(p.out)}")
            p = run.run_cmd(["terraform", "show", "-json", "rename.tfplan"], w, env, min(120, deadline.left()))
            plan = json.loads(p.out)
            changes = {
                rc["address"]: rc["change"]["actions"]
                for rc in plan.get("resource_changes", [])
                if rc["change"]["actions"] != ["no-op"]
            }
            expect(
                changes == {"aws_organizations_account.shared": ["update"]},
                f"rename planned as {changes}",
            )
            p = run.run_cmd(
                ["terraform", "apply", "-input=false", "-no-color", "rename.tfplan"], w, env, deadline.left()
            )
            expect(p.rc == 0, f"apply failed:\n{run._errors(p.out)}")
            expect(emulator.CALLS.get("account:PutAccountName", 0) > before, "PutAccountName was not called")
            p = run.tf_plan(w, env, deadline)
            expect(p.rc == 0, f"re-plan after rename not clean (rc {p.rc}):\n{run._plan_body(p.out)}")
            renamed = copy.deepcopy(model)
            next(x for x in renamed["accounts"] if x["key"] == "shared")["name"] = "shared-svcs"
            errs = run.check_organization(clients, renamed)
            expect(not errs, "; ".join(errs))
            errs = run.check_organization(clients, model)
            expect(any("name 'shared-svcs' != model 'shared-services'" in e for e in errs), f"old model not rejected: {errs}")
            return "plan: update in place; PutAccountName applied; re-plan clean"

        step("account rename is an in-place update", rename)

        def ps_tags() -> str:
            w = wd["identity-center"]
            main_tf = w / "main.tf"
            orig = main_tf.read_text()
            anchor = '  name             = "AdministratorAccess"\n'
            main_tf.write_text(orig.replace(anchor, anchor + '  tags             = { "team" = "platform" }\n'))
            before = dict(emulator.CALLS)
            _, counts = run.tf_apply(w, env, deadline)
            expect(counts[1] >= 1, f"tag change applied as {counts}")
            expect(emulator.CALLS.get("sso-admin:TagResource", 0) > before.get("sso-admin:TagResource", 0), "TagResource not called")
            p = run.tf_plan(w, env, deadline)
            expect(p.rc == 0, f"re-plan after tagging not clean:\n{run._plan_body(p.out)}")
            main_tf.write_text(orig)
            run.tf_apply(w, env, deadline)
            expect(
                emulator.CALLS.get("sso-admin:UntagResource", 0) > before.get("sso-admin:UntagResource", 0),
                "UntagResource not called",
            )
            p = run.tf_plan(w, env, deadline)
            expect(p.rc == 0, f"re-plan after untagging not clean:\n{run._plan_body(p.out)}")
            return "TagResource/UntagResource applied; re-plan clean both times"

        step("permission-set tag update/removal", ps_tags)
    except Exception as e:
        results.append(("harness", False, f"{type(e).__name__}: {e}"))
        print(f"FAIL harness: {type(e).__name__}: {e}")
    finally:
        if server is not None:
            emulator.stop(server)
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("patched emulator operations served: " + ", ".join(f"{k}={v}" for k, v in sorted(emulator.CALLS.items())))
    ok = all(r[1] for r in results)
    print("SELFTEST: PASS" if ok else "SELFTEST: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
