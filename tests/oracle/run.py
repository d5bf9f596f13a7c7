#!/usr/bin/env python3
"""landform oracle: apply generated Terraform stacks with the real terraform
CLI and hashicorp/aws provider against moto on loopback, then check moto's
state against landform's Model (JSON).

    python run.py --tree OUT_DIR --stacks organization,identity-center \
        --model MODEL.json [--timeout 600] [--keep]

Exit status: 0 when every stack applied, re-planned clean and every check
matched; 1 on any mismatch or failure; 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import emulator  # noqa: E402
import override  # noqa: E402

MANAGEMENT_ROLE = "OrganizationAccountAccessRole"


class OracleError(Exception):
    """A stack failed to init/apply/plan (as opposed to a state mismatch)."""


# --------------------------------------------------------------------------
# terraform plumbing
# --------------------------------------------------------------------------


def find_plugin_dir() -> Path:
    cands = []
    env = os.environ.get("LANDFORM_TF_PLUGIN_DIR")
    if env:
        cands.append(Path(env))
    cands += [Path("/opt/tf-plugins"), Path.home() / ".terraform.d" / "plugins"]
    for c in cands:
        if (c / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
            return c
    raise OracleError(
        "no terraform provider mirror found (set LANDFORM_TF_PLUGIN_DIR; looked in "
        + ", ".join(str(c) for c in cands)
        + ")"
    )


def terraform_env(cli_config: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "TF_")) or k in ("TF_LOG", "TF_LOG_PATH")
    }
    env.update(
        {
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    return env


@dataclass
class Proc:
    rc: int
    out: str
    seconds: float


def run_cmd(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Proc:
    """Run a command in its own process group; kill the whole group on timeout."""
    if timeout <= 0:
        raise OracleError(f"time budget exhausted before: {' '.join(args)}")
    t0 = time.monotonic()
    p = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                out, _ = p.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                out, _ = p.communicate(timeout=10)
        except ProcessLookupError:
            out = ""
        raise OracleError(
            f"timed out after {timeout:.0f}s: {' '.join(args)}\n{_tail(out or '')}"
        )
    return Proc(p.returncode, out, time.monotonic() - t0)


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


_APPLY_RE = re.compile(r"Resources: (?:\d+ imported, )?(\d+) added, (\d+) changed, (\d+) destroyed")


@dataclass
class StackResult:
    stack: str
    workdir: Path
    init_s: float = 0.0
    apply_s: float = 0.0
    plan_s: float = 0.0
    added: int = 0
    changed: int = 0
    destroyed: int = 0
    plan_clean: bool = False
    # AWS API calls the emulator served during the apply and during the re-plan (a no-op
    # plan's cost).
    apply_calls: int = 0
    plan_calls: int = 0
    error: str | None = None
    # Resources left out because the emulator lacks a call they need: address -> the call.
    skipped: dict[str, str] = field(default_factory=dict)


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()


def prepare_stack(src: Path, workdir: Path, endpoint: str) -> None:
    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(
        src, workdir, ignore=shutil.ignore_patterns(
            # backend.tf (from `state:`) names the real state bucket: the harness keeps state
            # locally in its work directory instead.
            ".terraform", "*.tfstate*", ".terraform.lock.hcl", "backend.tf"
        )
    )
    override.write_override(workdir, endpoint)


def tf_init(workdir: Path, env: dict[str, str], plugin_dir: Path, deadline: Deadline) -> Proc:
    p = run_cmd(
        ["terraform", "init", "-input=false", "-no-color", f"-plugin-dir={plugin_dir}"],
        workdir,
        env,
        deadline.left(),
    )
    if p.rc != 0:
        raise OracleError(f"terraform init failed (rc={p.rc}):\n{_tail(p.out)}")
    return p


def tf_apply(
    workdir: Path, env: dict[str, str], deadline: Deadline, extra: list[str] | None = None
) -> tuple[Proc, tuple[int, int, int]]:
    p = run_cmd(
        ["terraform", "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"] + (extra or []),
        workdir,
        env,
        deadline.left(),
    )
    if p.rc != 0:
        raise OracleError(f"terraform apply failed (rc={p.rc}):\n{_errors(p.out)}")
    m = _APPLY_RE.search(p.out)
    if not m:
        if "No changes." in p.out:
            return p, (0, 0, 0)
        raise OracleError(f"cannot read the apply summary:\n{_tail(p.out)}")
    return p, (int(m.group(1)), int(m.group(2)), int(m.group(3)))


def tf_plan(workdir: Path, env: dict[str, str], deadline: Deadline, extra: list[str] | None = None) -> Proc:
    return run_cmd(
        ["terraform", "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"]
        + (extra or []),
        workdir,
        env,
        deadline.left(),
    )


# Resources moto 5.2.5 cannot create, with the call it lacks. They are not faked: the harness
# leaves them (and everything that refers to them or depends on them) out of the apply and the
# re-plan with -target, and reports them; `terraform validate` and the plan still cover them.
EMULATOR_GAPS: list[tuple[str, Callable[[dict[str, Any]], bool], str]] = [
    (
        "aws_organizations_delegated_administrator",
        lambda e: _const(e, "service_principal") == "config.amazonaws.com",
        "Organizations RegisterDelegatedAdministrator for config.amazonaws.com (moto answers 400)",
    ),
    (
        "aws_guardduty_organization_configuration",
        lambda e: True,
        "GuardDuty UpdateOrganizationConfiguration (moto answers 404)",
    ),
    (
        "aws_securityhub_account",
        lambda e: True,
        "Security Hub UpdateSecurityHubConfiguration (not implemented in moto: 500)",
    ),
    (
        "aws_accessanalyzer_analyzer",
        lambda e: True,
        "Access Analyzer CreateAnalyzer (moto answers 500)",
    ),
    (
        "aws_backup_vault_policy",
        lambda e: True,
        "AWS Backup PutBackupVaultAccessPolicy (moto answers 404)",
    ),
    (
        "aws_backup_global_settings",
        lambda e: True,
        "AWS Backup UpdateGlobalSettings (moto answers 404)",
    ),
    (
        "aws_ce_cost_allocation_tag",
        lambda e: True,
        "Cost Explorer UpdateCostAllocationTagsStatus (not implemented in moto)",
    ),
    (
        "aws_iam_organizations_features",
        lambda e: True,
        "IAM EnableOrganizationsRootCredentialsManagement (not implemented in moto)",
    ),
    (
        "aws_iam_role_policy_attachment",
        lambda e: "AWSConfigRoleForOrganizations" in str(_const(e, "policy_arn") or ""),
        "IAM AttachRolePolicy of the AWS managed AWSConfigRoleForOrganizations (unknown to moto: 404)",
    ),
    (
        "aws_vpc_ipam_organization_admin_account",
        lambda e: True,
        "EC2 EnableIpamOrganizationAdminAccount (moto 5.2.5 has no IPAM)",
    ),
    (
        "aws_vpc_ipam",
        lambda e: True,
        "EC2 CreateIpam (moto 5.2.5 has no IPAM; its pools and pool shares follow)",
    ),
    (
        "aws_route53profiles_profile",
        lambda e: True,
        "Route 53 Profiles CreateProfile (moto 5.2.5 has no route53profiles service)",
    ),
    (
        "aws_route53_zone_association",
        lambda e: True,
        "Route 53 AssociateVPCWithHostedZone (moto 5.2.5 marks a zone private only when "
        "CreateHostedZone sends HostedZoneConfig.PrivateZone, which the provider does not, and "
        "refuses the association with PublicZoneVPCAssociation)",
    ),
    (
        "aws_ram_sharing_with_organization",
        lambda e: True,
        "RAM EnableSharingWithAwsOrganization (moto 5.2.5 does not create the "
        "AWSServiceRoleForResourceAccessManager service-linked role the provider reads back: not found)",
    ),
    (
        "aws_ram_resource_share",
        lambda e: True,
        "RAM ListResourceSharePermissions (moto 5.2.5 answers 404), and its GetResourceShares ignores "
        "resourceShareArns, so the provider's create waiter sees every share of the region",
    ),
]


def _const(expressions: dict[str, Any], name: str) -> Any:
    return (expressions.get(name) or {}).get("constant_value")


def _references(node: Any) -> set[str]:
    """Every managed resource (`type.name`) an expression tree refers to."""
    out: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "references" and isinstance(v, list):
                for r in v:
                    parts = str(r).split(".")
                    if len(parts) >= 2 and parts[0].startswith("aws_"):
                        out.add(".".join(parts[:2]))
            else:
                out |= _references(v)
    elif isinstance(node, list):
        for v in node:
            out |= _references(v)
    return out


def emulator_targets(workdir: Path, env: dict[str, str], deadline: Deadline) -> tuple[list[str], dict[str, str]]:
    """(-target addresses to apply, {left-out address: the call moto lacks}) for a stack; no
    targets when nothing needs leaving out."""
    p = run_cmd(
        ["terraform", "plan", "-input=false", "-no-color", "-lock=false", "-out=oracle-full.plan"],
        workdir,
        env,
        deadline.left(),
    )
    if p.rc != 0:
        raise OracleError(f"terraform plan failed (rc={p.rc}):\n{_tail(p.out)}")
    show = run_cmd(["terraform", "show", "-json", "oracle-full.plan"], workdir, env, deadline.left())
    config = json.loads(show.out).get("configuration", {}).get("root_module", {})
    resources = [r for r in config.get("resources", []) if r.get("mode") == "managed"]
    skipped: dict[str, str] = {}
    refs: dict[str, set[str]] = {}
    for r in resources:
        refs[r["address"]] = _references(r.get("expressions", {})) | set(r.get("depends_on", []))
        for rtype, applies, call in EMULATOR_GAPS:
            if r["type"] == rtype and applies(r.get("expressions", {})):
                skipped[r["address"]] = call
    if not skipped:
        return [], {}
    changed = True
    while changed:
        changed = False
        for addr, deps in refs.items():
            if addr in skipped:
                continue
            hit = next((d for d in deps if d in skipped), None)
            if hit:
                skipped[addr] = f"depends on {hit}"
                changed = True
    return [a for a in refs if a not in skipped], skipped


def apply_stack(
    stack: str,
    src: Path,
    workdir: Path,
    endpoint: str,
    env: dict[str, str],
    plugin_dir: Path,
    deadline: Deadline,
    log: Callable[[str], None] = print,
) -> StackResult:
    """Copy, override, init, apply, re-plan one stack. Never raises OracleError:
    failures are recorded in StackResult.error."""
    res = StackResult(stack, workdir)
    try:
        if not src.is_dir():
            raise OracleError(f"stack directory not found: {src}")
        prepare_stack(src, workdir, endpoint)
        res.init_s = tf_init(workdir, env, plugin_dir, deadline).seconds
        targets, res.skipped = emulator_targets(workdir, env, deadline)
        target_args = [f"-target={t}" for t in targets]
        for addr, why in res.skipped.items():
            log(f"[{stack}] not applied (emulator gap): {addr}: {why}")
        before = emulator.REQUESTS[0]
        p, (res.added, res.changed, res.destroyed) = tf_apply(workdir, env, deadline, target_args)
        res.apply_s = p.seconds
        res.apply_calls = emulator.REQUESTS[0] - before
        before = emulator.REQUESTS[0]
        p = tf_plan(workdir, env, deadline, target_args)
        res.plan_s = p.seconds
        res.plan_calls = emulator.REQUESTS[0] - before
        if p.rc == 0:
            res.plan_clean = True
        elif p.rc == 2:
            raise OracleError("re-plan after apply is not empty (perpetual diff):\n" + _plan_body(p.out))
        else:
            raise OracleError(f"terraform plan failed (rc={p.rc}):\n{_tail(p.out)}")
    except OracleError as e:
        res.error = str(e)
    return res


def _errors(out: str) -> str:
    """The `Error:` sections of terraform output (or its tail)."""
    i = out.find("Error: ")
    return _tail(out[i:] if i >= 0 else out, 120)


def _plan_body(out: str) -> str:
    i = out.find("Terraform will perform")
    return _tail(out[i:] if i >= 0 else out, 200)


# --------------------------------------------------------------------------
# boto3 side
# --------------------------------------------------------------------------


class Clients:
    """Lazily created boto3 clients against the emulator, in the home region."""

    def __init__(self, endpoint: str, region: str):
        import boto3
        from botocore.config import Config

        self.endpoint = endpoint
        self.region = region
        self._session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
        )
        self._config = Config(
            retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=60
        )
        self._cache: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._cache:
            self._cache[service] = self._session.client(
                service, endpoint_url=self.endpoint, config=self._config
            )
        return self._cache[service]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self(name.replace("_", "-"))


def _pages(client: Any, op: str, key: str, **kw: Any) -> list[Any]:
    out: list[Any] = []
    if client.can_paginate(op):
        for page in client.get_paginator(op).paginate(**kw):
            out.extend(page.get(key, []))
    else:
        out.extend(getattr(client, op)(**kw).get(key, []))
    return out


def _fmt(v: Any) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------

ALL_POLICY_TYPES = [
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
]


@dataclass
class OrgState:
    """Emulator organization state, with model keys resolved to ids."""

    root_id: str = ""
    management_id: str = ""
    ou_ids: dict[str, str] = field(default_factory=dict)  # model OU key -> id
    account_ids: dict[str, str] = field(default_factory=dict)  # model account key -> id
    accounts: list[dict[str, Any]] = field(default_factory=list)


def resolve_org(clients: Clients, model: dict[str, Any], errs: list[str] | None = None) -> OrgState:
    """Walk the emulator's OU tree and accounts, mapping model keys to ids.
    Mismatches found on the way are appended to errs."""
    errs = errs if errs is not None else []
    org = clients.organizations
    st = OrgState()
    st.management_id = org.describe_organization()["Organization"]["MasterAccountId"]
    st.root_id = org.list_roots()["Roots"][0]["Id"]

    # actual tree: id -> (name, parent id)
    actual: dict[str, tuple[str, str]] = {}
    queue = [st.root_id]
    while queue:
        parent = queue.pop(0)
        for ou in _pages(org, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent):
            actual[ou["Id"]] = (ou["Name"], parent)
            queue.append(ou["Id"])

    def path_of(ou_id: str) -> str:
        parts = []
        while ou_id in actual:
            parts.append(actual[ou_id][0])
            ou_id = actual[ou_id][1]
        return "/" + "/".join(reversed(parts))

    model_ous = {o["key"]: o for o in model.get("ous", [])}
    resolved: dict[str, str | None] = {}

    def resolve(key: str, stack: tuple[str, ...] = ()) -> str | None:
        if key in resolved:
            return resolved[key]
        if key in stack or key not in model_ous:
            errs.append(f"model: OU {key!r} has an unknown or cyclic parent chain")
            resolved[key] = None
            return None
        o = model_ous[key]
        parent_id = st.root_id if o.get("parent") is None else resolve(o["parent"], stack + (key,))
        found = None
        if parent_id is not None:
            hits = [i for i, (n, p) in actual.items() if n == o["name"] and p == parent_id]
            if len(hits) > 1:
                errs.append(f"OU {key!r}: {len(hits)} OUs named {o['name']!r} under {path_of(parent_id) if parent_id != st.root_id else 'root'}")
            if hits:
                found = hits[0]
            else:
                where = "root" if parent_id == st.root_id else f"OU {path_of(parent_id)}"
                elsewhere = [path_of(i) for i, (n, _) in actual.items() if n == o["name"]]
                hint = f" (found at {', '.join(elsewhere)})" if elsewhere else ""
                errs.append(f"OU {key!r}: no OU named {o['name']!r} under {where}{hint}")
        resolved[key] = found
        return found

    for key in model_ous:
        r = resolve(key)
        if r:
            st.ou_ids[key] = r
    known = set(st.ou_ids.values())
    for i in actual:
        if i not in known:
            errs.append(f"unexpected OU {path_of(i)} ({i}) not in the model")

    st.accounts = _pages(org, "list_accounts", "Accounts")
    by_email: dict[str, list[dict[str, Any]]] = {}
    for a in st.accounts:
        by_email.setdefault(a["Email"], []).append(a)
    for ma in model.get("accounts", []):
        hits = by_email.get(ma["email"], [])
        if len(hits) != 1:
            errs.append(f"account {ma['key']!r}: expected one account with email {ma['email']!r}, found {len(hits)}")
        if hits:
            st.account_ids[ma["key"]] = hits[0]["Id"]
    return st


def substitute(doc: Any, subs: list[dict[str, str]], org_id: str, st: "OrgState") -> Any:
    """The model document with the tokens Terraform replaces at apply time filled in:
    `{{org_id}}` by the organization id, `{{account_id.KEY}}` by that account's id."""
    if not subs:
        return doc
    text = json.dumps(doc)
    for sub in subs:
        token = sub["token"]
        if token == "{{org_id}}":
            value = org_id
        elif token.startswith("{{account_id.") and token.endswith("}}"):
            value = st.account_ids.get(token[len("{{account_id."):-2], token)
        else:
            value = token
        text = text.replace(token, value)
    return json.loads(text)


def check_organization(clients: Clients, model: dict[str, Any]) -> list[str]:
    errs: list[str] = []
    org = clients.organizations
    mo = model.get("organization", {})
    st = resolve_org(clients, model, errs)
    ou_path = {v: k for k, v in st.ou_ids.items()}
    org_id = org.describe_organization()["Organization"]["Id"]

    def describe_parent(pid: str) -> str:
        return "root" if pid == st.root_id else f"ou:{ou_path.get(pid, pid)}"

    # organization-level settings
    roots = org.list_roots()["Roots"]
    enabled = sorted(t["Type"] for t in roots[0].get("PolicyTypes", []) if t.get("Status") == "ENABLED")
    want = sorted(mo.get("enabled_policy_types", []))
    if enabled != want:
        errs.append(f"organization: enabled policy types {enabled} != model {want}")
    try:
        principals = sorted(
            p["ServicePrincipal"]
            for p in _pages(org, "list_aws_service_access_for_organization", "EnabledServicePrincipals")
        )
        want = sorted(mo.get("service_access_principals", []))
        if principals != want:
            errs.append(f"organization: service access principals {principals} != model {want}")
    except Exception as e:  # emulator may not support it
        errs.append(f"organization: could not list service access principals: {e}")

    # accounts
    model_ids = set()
    for ma in model.get("accounts", []):
        aid = st.account_ids.get(ma["key"])
        if not aid:
            continue
        model_ids.add(aid)
        acct = next(a for a in st.accounts if a["Id"] == aid)
        if acct["Name"] != ma["name"]:
            errs.append(f"account {ma['key']!r}: name {acct['Name']!r} != model {ma['name']!r}")
        parents = org.list_parents(ChildId=aid)["Parents"]
        pid = parents[0]["Id"] if parents else None
        want_pid = st.root_id if ma.get("ou") is None else st.ou_ids.get(ma["ou"])
        if ma.get("ou") is not None and want_pid is None:
            errs.append(f"account {ma['key']!r}: model OU {ma['ou']!r} was not found; account is under {describe_parent(pid) if pid else '?'}")
        elif pid != want_pid:
            errs.append(
                f"account {ma['key']!r}: parent {describe_parent(pid) if pid else None} != model "
                f"{'root' if ma.get('ou') is None else 'ou:' + ma['ou']}"
            )
        tags = {t["Key"]: t["Value"] for t in _pages(org, "list_tags_for_resource", "Tags", ResourceId=aid)}
        want_tags = ma.get("tags", {}) or {}
        if tags != want_tags:
            missing = {k: v for k, v in want_tags.items() if tags.get(k) != v}
            extra = {k: v for k, v in tags.items() if k not in want_tags}
            errs.append(
                f"account {ma['key']!r}: tags differ; missing/wrong {_fmt(missing)}, unexpected {_fmt(extra)}"
            )
    for a in st.accounts:
        if a["Id"] not in model_ids and a["Id"] != st.management_id:
            errs.append(f"unexpected account {a['Name']!r} <{a['Email']}> ({a['Id']}) not in the model")

    # policies
    def target_id(t: Any) -> str | None:
        # landform serializes targets as {"kind": "root"} / {"kind": "ou", "key": ...}.
        if isinstance(t, dict):
            t = t["kind"] if t.get("kind") == "root" else f"{t.get('kind')}:{t.get('key')}"
        if t == "root":
            return st.root_id
        kind, _, key = t.partition(":")
        if kind == "ou":
            return st.ou_ids.get(key)
        if kind == "account":
            return st.account_ids.get(key)
        return None

    def target_name(tid: str) -> str:
        if tid == st.root_id:
            return "root"
        if tid in ou_path:
            return f"ou:{ou_path[tid]}"
        for k, v in st.account_ids.items():
            if v == tid:
                return f"account:{k}"
        return tid

    actual_policies: dict[tuple[str, str], list[dict[str, Any]]] = {}
    types = sorted(set(ALL_POLICY_TYPES) | {p["type"] for p in model.get("policies", [])})
    for ptype in types:
        try:
            summaries = _pages(org, "list_policies", "Policies", Filter=ptype)
        except Exception as e:
            errs.append(f"policies: list_policies({ptype}) failed: {e}")
            continue
        for s in summaries:
            if s.get("AwsManaged"):
                continue
            actual_policies.setdefault((s["Name"], ptype), []).append(s)
    seen: set[str] = set()
    for mp in model.get("policies", []):
        hits = actual_policies.get((mp["name"], mp["type"]), [])
        label = f"policy {mp['key']!r} ({mp['type']} {mp['name']!r})"
        if len(hits) != 1:
            errs.append(f"{label}: expected exactly one, found {len(hits)}")
            if not hits:
                continue
        pol = org.describe_policy(PolicyId=hits[0]["Id"])["Policy"]
        seen.add(hits[0]["Id"])
        summ = pol["PolicySummary"]
        if (summ.get("Description") or "") != (mp.get("description") or ""):
            errs.append(f"{label}: description {summ.get('Description')!r} != model {mp.get('description')!r}")
        try:
            content = json.loads(pol["Content"])
        except ValueError:
            content = pol["Content"]
        want_doc = substitute(mp.get("document"), mp.get("substitutions") or [], org_id, st)
        if content != want_doc:
            errs.append(f"{label}: content differs\n    emulator: {_fmt(content)}\n    model:    {_fmt(want_doc)}")
        actual_targets = {
            t["TargetId"] for t in _pages(org, "list_targets_for_policy", "Targets", PolicyId=hits[0]["Id"])
        }
        want_targets = set()
        for t in mp.get("targets", []):
            tid = target_id(t)
            if tid is None:
                errs.append(f"{label}: target {t!r} does not resolve in the emulator")
            else:
                want_targets.add(tid)
        if actual_targets != want_targets:
            errs.append(
                f"{label}: attached to {sorted(target_name(t) for t in actual_targets)} "
                f"!= model {sorted(target_name(t) for t in want_targets)}"
            )
    for (name, ptype), hits in sorted(actual_policies.items()):
        for s in hits:
            if s["Id"] not in seen and not any(
                (mp["name"], mp["type"]) == (name, ptype) for mp in model.get("policies", [])
            ):
                errs.append(f"unexpected policy {ptype} {name!r} ({s['Id']}) not in the model")
    return errs


def check_identity_center(clients: Clients, model: dict[str, Any]) -> list[str]:
    errs: list[str] = []
    ic = model.get("identity_center") or {}
    sso = clients("sso-admin")
    ids = clients("identitystore")
    instances = _pages(sso, "list_instances", "Instances")
    if len(instances) != 1:
        return [f"identity center: expected one SSO instance in {clients.region}, found {len(instances)}"]
    inst_arn = instances[0]["InstanceArn"]
    store_id = instances[0]["IdentityStoreId"]

    # groups
    groups = _pages(ids, "list_groups", "Groups", IdentityStoreId=store_id)
    group_by_name: dict[str, list[str]] = {}
    for g in groups:
        group_by_name.setdefault(g["DisplayName"], []).append(g["GroupId"])
    group_key_by_id: dict[str, str] = {}
    for mg in ic.get("groups", []):
        hits = group_by_name.get(mg["name"], [])
        if len(hits) != 1:
            errs.append(f"group {mg['key']!r}: expected one group named {mg['name']!r}, found {len(hits)}")
        for h in hits:
            group_key_by_id[h] = mg["key"]
    model_group_names = {mg["name"] for mg in ic.get("groups", [])}
    for name in sorted(set(group_by_name) - model_group_names):
        errs.append(f"unexpected identity store group {name!r} not in the model")

    # permission sets
    ps_by_name: dict[str, list[dict[str, Any]]] = {}
    for arn in _pages(sso, "list_permission_sets", "PermissionSets", InstanceArn=inst_arn):
        ps = sso.describe_permission_set(InstanceArn=inst_arn, PermissionSetArn=arn)["PermissionSet"]
        ps_by_name.setdefault(ps["Name"], []).append(ps)
    ps_key_by_arn: dict[str, str] = {}
    for mps in ic.get("permission_sets", []):
        label = f"permission set {mps['key']!r} ({mps['name']!r})"
        hits = ps_by_name.get(mps["name"], [])
        if len(hits) != 1:
            errs.append(f"{label}: expected exactly one, found {len(hits)}")
            if not hits:
                continue
        ps = hits[0]
        ps_key_by_arn[ps["PermissionSetArn"]] = mps["key"]
        want_dur = mps.get("session_duration")
        if want_dur is not None and ps.get("SessionDuration") != want_dur:
            errs.append(f"{label}: session duration {ps.get('SessionDuration')!r} != model {want_dur!r}")
        managed = sorted(
            p["Arn"]
            for p in _pages(
                sso,
                "list_managed_policies_in_permission_set",
                "AttachedManagedPolicies",
                InstanceArn=inst_arn,
                PermissionSetArn=ps["PermissionSetArn"],
            )
        )
        want = sorted(mps.get("managed", []))
        if managed != want:
            errs.append(f"{label}: managed policies {managed} != model {want}")
    model_ps_names = {m["name"] for m in ic.get("permission_sets", [])}
    for name in sorted(set(ps_by_name) - model_ps_names):
        errs.append(f"unexpected permission set {name!r} not in the model")

    # assignments: every (permission set, account) pair in the emulator
    st = resolve_org(clients, model)
    acct_key_by_id = {v: k for k, v in st.account_ids.items()}
    actual: set[tuple[str, str, str]] = set()
    for ps_list in ps_by_name.values():
        for ps in ps_list:
            for a in st.accounts:
                for asg in _pages(
                    sso,
                    "list_account_assignments",
                    "AccountAssignments",
                    InstanceArn=inst_arn,
                    AccountId=a["Id"],
                    PermissionSetArn=ps["PermissionSetArn"],
                ):
                    if asg["PrincipalType"] == "GROUP":
                        principal = "group:" + group_key_by_id.get(asg["PrincipalId"], asg["PrincipalId"])
                    else:
                        principal = f"{asg['PrincipalType'].lower()}:{asg['PrincipalId']}"
                    actual.add(
                        (
                            principal,
                            ps_key_by_arn.get(ps["PermissionSetArn"], ps["Name"]),
                            acct_key_by_id.get(a["Id"], f"{a['Name']}({a['Id']})"),
                        )
                    )
    expected = {("group:" + m["group"], m["permission_set"], m["account"]) for m in ic.get("assignments", [])}
    for t in sorted(expected - actual):
        errs.append(f"missing assignment {t[0]} -> permission set {t[1]!r} in account {t[2]!r}")
    for t in sorted(actual - expected):
        errs.append(f"unexpected assignment {t[0]} -> permission set {t[1]!r} in account {t[2]!r}")
    return errs


def as_account(clients: Clients, account_id: str, service: str, region: str | None = None) -> Any:
    """A boto3 client acting in a member account (moto's AssumeRole binds the credentials to
    the target account), as the generated providers do."""
    import boto3

    creds = clients.sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{MANAGEMENT_ROLE}", RoleSessionName="oracle"
    )["Credentials"]
    sess = boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region or clients.region,
    )
    return sess.client(service, endpoint_url=clients.endpoint, config=clients._config)


def _check_stack_sets(
    clients: Clients,
    model: dict[str, Any],
    sets: list[dict[str, Any]],
    targets: set[str],
    excluded: set[str],
) -> list[str]:
    """Stack sets (service-managed, with the model's literal parameters) and where their
    instances landed: never in an excluded OU nor the management account, only in the model's
    regions, and in every account at most one OU level below a target (moto expands deployment
    targets one level deep; AWS walks the whole subtree)."""
    errs: list[str] = []
    cfn = clients.cloudformation
    st = resolve_org(clients, model)
    account_ou = {a["key"]: a.get("ou") for a in model.get("accounts", [])}
    parent = {o["key"]: o.get("parent") for o in model.get("ous", [])}
    key_by_id = {v: k for k, v in st.account_ids.items()}

    def near_target(key: str) -> bool:
        ou = account_ou.get(key)
        if "root" in targets:
            return ou is None or parent.get(ou) is None
        return ou in targets or (ou is not None and parent.get(ou) in targets)

    actual = {s["StackSetName"] for s in _pages(cfn, "list_stack_sets", "Summaries", Status="ACTIVE")}
    for ms in sets:
        name = ms["name"]
        if name not in actual:
            errs.append(f"stack set {name!r}: not found")
            continue
        d = cfn.describe_stack_set(StackSetName=name)["StackSet"]
        if d.get("PermissionModel") != "SERVICE_MANAGED":
            errs.append(f"stack set {name!r}: permission model {d.get('PermissionModel')!r} != SERVICE_MANAGED")
        params = {p["ParameterKey"]: p["ParameterValue"] for p in d.get("Parameters", [])}
        for p in ms.get("parameters", []):
            if p["literal"] and params.get(p["name"]) != p["value"]:
                errs.append(f"stack set {name!r}: parameter {p['name']} = {params.get(p['name'])!r} != model {p['value']!r}")
        regions = {r["region"] for r in ms.get("regions", [])}
        instances = _pages(cfn, "list_stack_instances", "Summaries", StackSetName=name)
        got: set[tuple[str, str]] = set()
        for i in instances:
            key = key_by_id.get(i["Account"], i["Account"])
            got.add((key, i["Region"]))
            if i["Account"] == st.management_id:
                # AWS never deploys a service-managed stack set to the management account; moto
                # does when the target is the root (it lists every account under it). Only an
                # instance there with OU targets is landform's doing.
                if "root" not in targets:
                    errs.append(f"stack set {name!r}: an instance in the management account")
                continue
            elif account_ou.get(key) in excluded:
                errs.append(f"stack set {name!r}: an instance in account {key!r} of excluded OU {account_ou.get(key)!r}")
            elif not any(
                t == "root" or t == account_ou.get(key) or t == parent.get(account_ou.get(key) or "")
                for t in targets
            ) and "root" not in targets:
                errs.append(f"stack set {name!r}: an instance in account {key!r}, outside the targeted OUs")
            if i["Region"] not in regions:
                errs.append(f"stack set {name!r}: an instance in region {i['Region']!r}, not in the model's {sorted(regions)}")
        for key in sorted(k for k in st.account_ids if near_target(k) and account_ou.get(k) not in excluded):
            for r in sorted(regions):
                if (key, r) not in got:
                    errs.append(f"stack set {name!r}: no instance in account {key!r}, region {r}")
        if not instances:
            errs.append(f"stack set {name!r}: no instances at all")
    return errs


def check_baseline(clients: Clients, model: dict[str, Any]) -> list[str]:
    b = model.get("baseline") or {}
    sets = b.get("stack_sets", [])
    errs = _check_stack_sets(
        clients, model, sets, {t["key"] for t in b.get("targets", [])}, set(b.get("excluded", []))
    )
    backup_set = ((model.get("backup") or {}).get("stack_set") or {}).get("name")
    actual = {s["StackSetName"] for s in _pages(clients.cloudformation, "list_stack_sets", "Summaries", Status="ACTIVE")}
    for name in sorted(actual - {s["name"] for s in sets} - {backup_set}):
        errs.append(f"unexpected stack set {name!r} not in the model")
    return errs


def check_backup(clients: Clients, model: dict[str, Any]) -> list[str]:
    """The central vault in every copy region of the backup account (its own KMS key, the lock
    when the model has one) and the member-vault stack set on exactly the plans' OUs."""
    b = model.get("backup") or {}
    errs = _check_stack_sets(clients, model, [b["stack_set"]], {t["key"] for t in b.get("targets", [])}, set())
    st = resolve_org(clients, model)
    aid = st.account_ids.get(b.get("account", ""))
    if not aid:
        return errs + [f"backup account {b.get('account')!r} not found"]
    lock = b.get("vault_lock")
    for r in b.get("regions", []):
        bk = as_account(clients, aid, "backup", r["region"])
        vaults = {v["BackupVaultName"]: v for v in _pages(bk, "list_backup_vaults", "BackupVaultList")}
        v = vaults.get(b["vault"])
        if v is None:
            errs.append(f"central vault {b['vault']!r}: not in account {b['account']!r}, region {r['region']}")
            continue
        if not v.get("EncryptionKeyArn"):
            errs.append(f"central vault {b['vault']!r} in {r['region']}: no KMS key")
        if lock:
            d = bk.describe_backup_vault(BackupVaultName=b["vault"])
            got = (d.get("MinRetentionDays"), d.get("MaxRetentionDays"))
            want = (lock["min_retention_days"], lock["max_retention_days"])
            if got != want:
                errs.append(f"central vault {b['vault']!r} in {r['region']}: lock retention {got} != model {want}")
    return errs


def check_billing(clients: Clients, model: dict[str, Any]) -> list[str]:
    """Alternate contacts, budgets (limit, linked-account filter, alerts and their addresses)
    and the delegated administrators the organization and baseline stacks register."""
    errs: list[str] = []
    st = resolve_org(clients, model)
    acct = clients.account
    for c in model.get("contacts", []):
        label = f"contact {c['key']!r}"
        kw = {"AlternateContactType": c["kind"]}
        if c.get("account"):
            if c["account"] not in st.account_ids:
                continue
            kw["AccountId"] = st.account_ids[c["account"]]
        try:
            got = acct.get_alternate_contact(**kw)["AlternateContact"]
        except Exception as e:
            errs.append(f"{label}: not found ({e})")
            continue
        for field, key in (("name", "Name"), ("title", "Title"), ("email", "EmailAddress"), ("phone", "PhoneNumber")):
            if got.get(key) != c[field]:
                errs.append(f"{label}: {key} {got.get(key)!r} != model {c[field]!r}")
    bud = clients.budgets
    actual = {b["BudgetName"]: b for b in _pages(bud, "describe_budgets", "Budgets", AccountId=st.management_id)}
    for mb in model.get("budgets", []):
        label = f"budget {mb['name']!r}"
        b = actual.get(mb["name"])
        if b is None:
            errs.append(f"{label}: not found")
            continue
        limit = b.get("BudgetLimit", {})
        if float(limit.get("Amount", "nan")) != float(mb["limit"]) or limit.get("Unit") != mb["currency"]:
            errs.append(f"{label}: limit {limit} != model {mb['limit']} {mb['currency']}")
        linked = b.get("CostFilters", {}).get("LinkedAccount", [])
        if linked != [st.account_ids.get(mb["account"])]:
            errs.append(f"{label}: linked accounts {linked} != [{mb['account']}]")
        notes = _pages(bud, "describe_notifications_for_budget", "Notifications", AccountId=st.management_id, BudgetName=mb["name"])
        got = sorted((n["NotificationType"], float(n["Threshold"])) for n in notes)
        want = sorted([("ACTUAL", float(t)) for t in mb["actual"]] + [("FORECASTED", float(t)) for t in mb["forecast"]])
        if got != want:
            errs.append(f"{label}: alerts {got} != model {want}")
        for n in notes:
            subs = bud.describe_subscribers_for_notification(AccountId=st.management_id, BudgetName=mb["name"], Notification=n)["Subscribers"]
            addrs = sorted(x["Address"] for x in subs)
            if addrs != sorted(mb["emails"]):
                errs.append(f"{label}: {n['NotificationType']} {n['Threshold']} alerts {addrs} != model {sorted(mb['emails'])}")
    for name in sorted(set(actual) - {mb["name"] for mb in model.get("budgets", [])}):
        errs.append(f"unexpected budget {name!r} not in the model")
    want_admins = [(d["account"], d["service_principal"]) for d in (model.get("organization") or {}).get("delegated_administrators", [])]
    b = model.get("baseline") or {}
    if b.get("admin_account"):
        want_admins.append((b["admin_account"], "member.org.stacksets.cloudformation.amazonaws.com"))
    for key, principal in want_admins:
        admins = _pages(clients.organizations, "list_delegated_administrators", "DelegatedAdministrators", ServicePrincipal=principal)
        if st.account_ids.get(key) not in {a["Id"] for a in admins}:
            errs.append(f"delegated administrator for {principal}: account {key!r} not registered")
    return errs


def check_organization_stack(clients: Clients, model: dict[str, Any]) -> list[str]:
    return check_organization(clients, model) + check_billing(clients, model)


def _ip_block(cidr: str) -> tuple[int, int]:
    import ipaddress

    net = ipaddress.ip_network(cidr)
    return int(net.network_address), int(net.broadcast_address)


def _overlaps(a: str, b: str) -> bool:
    (a0, a1), (b0, b1) = _ip_block(a), _ip_block(b)
    return a0 <= b1 and b0 <= a1


def check_network(clients: Clients, model: dict[str, Any]) -> list[str]:
    """In the network account: one Transit Gateway per region with the model's ASN and settings,
    a route table per domain, exactly the blackhole routes of the model, and no active route from
    an isolated domain's table into another isolated domain's pools. IPAM and the RAM shares are
    left out of the apply (EMULATOR_GAPS names the calls moto lacks); the plan covers them."""
    errs: list[str] = []
    net = model["network"]
    st = resolve_org(clients, model)
    account_id = st.account_ids.get(net["account"])
    if not account_id:
        return [f"network account {net['account']!r} not found in the emulator"]
    isolated = set(net["isolated"])
    pools_by_domain: dict[str, list[str]] = {}
    for r in net["regions"]:
        for p in r["pools"]:
            pools_by_domain.setdefault(p["domain"], []).append(p["cidr"])
    for r in net["regions"]:
        region = r["region"]
        ec2 = as_account(clients, account_id, "ec2", region)
        tgws = [
            t
            for t in ec2.describe_transit_gateways()["TransitGateways"]
            if t.get("State") != "deleted"
        ]
        if len(tgws) != 1:
            errs.append(f"{region}: expected one Transit Gateway in the network account, found {len(tgws)}")
            continue
        tgw = tgws[0]
        opts = tgw.get("Options", {})
        if opts.get("AmazonSideAsn") != r["asn"]:
            errs.append(f"{region}: Transit Gateway ASN {opts.get('AmazonSideAsn')} != model {r['asn']}")
        for key, want in [
            ("AutoAcceptSharedAttachments", "enable"),
            ("DefaultRouteTableAssociation", "disable"),
            ("DefaultRouteTablePropagation", "disable"),
        ]:
            if opts.get(key) != want:
                errs.append(f"{region}: Transit Gateway {key} {opts.get(key)!r} != {want!r}")
        tables = ec2.describe_transit_gateway_route_tables(
            Filters=[{"Name": "transit-gateway-id", "Values": [tgw["TransitGatewayId"]]}]
        )["TransitGatewayRouteTables"]
        by_domain: dict[str, list[str]] = {}
        for t in tables:
            tags = {x["Key"]: x["Value"] for x in t.get("Tags", [])}
            if "domain" in tags:
                by_domain.setdefault(tags["domain"], []).append(t["TransitGatewayRouteTableId"])
        want_domains = sorted(t["domain"] for t in r["tables"])
        if sorted(by_domain) != want_domains or any(len(v) != 1 for v in by_domain.values()):
            errs.append(f"{region}: route tables by domain {sorted(by_domain)} != model {want_domains}")
            continue
        for t in r["tables"]:
            table_id = by_domain[t["domain"]][0]
            routes = ec2.search_transit_gateway_routes(
                TransitGatewayRouteTableId=table_id, Filters=[{"Name": "type", "Values": ["static", "propagated"]}]
            )["Routes"]
            blackholes = sorted(x["DestinationCidrBlock"] for x in routes if x.get("State") == "blackhole")
            want = sorted(b["cidr"] for b in t["blackholes"])
            if blackholes != want:
                errs.append(f"{region}/{t['domain']}: blackhole routes {blackholes} != model {want}")
            if t["domain"] in isolated:
                for x in routes:
                    if x.get("State") == "blackhole":
                        continue
                    for other in isolated - {t["domain"]}:
                        for pool in pools_by_domain.get(other, []):
                            if _overlaps(x["DestinationCidrBlock"], pool):
                                errs.append(
                                    f"{region}/{t['domain']}: active route {x['DestinationCidrBlock']} reaches "
                                    f"the {other} pool {pool}"
                                )
    return errs


def check_dns(clients: Clients, model: dict[str, Any]) -> list[str]:
    """In the DNS account: exactly the parent zone, the subzones and the private zone; each
    subzone's NS record in the parent holds the subzone's name servers; each delegation's NS
    record sits in its environment's subzone. The Route 53 Profile and its RAM share are left out
    of the apply (EMULATOR_GAPS names the calls moto lacks)."""
    errs: list[str] = []
    dns = model["dns"]
    st = resolve_org(clients, model)
    account_id = st.account_ids.get(dns["account"])
    if not account_id:
        return [f"DNS account {dns['account']!r} not found in the emulator"]
    home = model["organization"]["home_region"]
    r53 = as_account(clients, account_id, "route53", home)
    zones = _pages(r53, "list_hosted_zones", "HostedZones")
    # Zones by name only: moto 5.2.5 marks a zone private only when CreateHostedZone sends
    # HostedZoneConfig.PrivateZone, which the provider does not (AWS infers it from the VPC), so
    # the emulator lists the private zone as public. Its VPC is checked by the plan.
    by_name: dict[str, list[dict[str, Any]]] = {}
    for z in zones:
        by_name.setdefault(z["Name"].rstrip("."), []).append(z)
    want = {dns["domain"], dns["private_domain"]} | {z["name"] for z in dns["subzones"]}
    if set(by_name) != want or any(len(v) != 1 for v in by_name.values()):
        errs.append(f"hosted zones {sorted(by_name)} != model {sorted(want)}")
        return errs

    def records(zone: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
        out: dict[tuple[str, str], set[str]] = {}
        for rr in _pages(r53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone["Id"]):
            out[(rr["Name"].rstrip("."), rr["Type"])] = {v["Value"].rstrip(".") for v in rr.get("ResourceRecords", [])}
        return out

    parent = records(by_name[dns["domain"]][0])
    for z in dns["subzones"]:
        zone = by_name[z["name"]][0]
        ns = {n.rstrip(".") for n in r53.get_hosted_zone(Id=zone["Id"])["DelegationSet"]["NameServers"]}
        got = parent.get((z["name"], "NS"))
        if got != ns:
            errs.append(f"subzone {z['name']!r}: NS record in the parent {sorted(got or [])} != its name servers {sorted(ns)}")
    for g in dns["delegations"]:
        sub = next(z for z in dns["subzones"] if z["key"] == g["subzone"])
        got = records(by_name[sub["name"]][0]).get((g["name"], "NS"))
        if got != set(g["name_servers"]):
            errs.append(f"delegation {g['name']!r}: NS record {sorted(got or [])} != model {sorted(g['name_servers'])}")
    if dns.get("resolver"):
        errs += check_resolver(clients, account_id, dns["resolver"])
    return errs


def check_resolver(clients: Clients, account_id: str, res: dict[str, Any]) -> list[str]:
    """Per region in the DNS account: the resolver VPC and its subnets, the security group
    (DNS in from the model's sources only, out to the forwarding targets only), the inbound
    endpoint in every subnet, the outbound endpoint and a FORWARD rule per domain with the
    model's targets through it, and query logging on the VPC. The VPC's private zone association
    and the rules' Route 53 Profile associations are left out (EMULATOR_GAPS names the calls)."""
    errs: list[str] = []
    for r in res["regions"]:
        region = r["region"]
        ec2 = as_account(clients, account_id, "ec2", region)
        rr = as_account(clients, account_id, "route53resolver", region)
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "cidr-block-association.cidr-block", "Values": [r["cidr"]]}])["Vpcs"]
        if len(vpcs) != 1:
            errs.append(f"{region}: expected one resolver VPC {r['cidr']}, found {len(vpcs)}")
            continue
        vpc = vpcs[0]["VpcId"]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
        if sorted(x["CidrBlock"] for x in subnets) != sorted(r["subnets"]):
            errs.append(f"{region}: resolver subnets {sorted(x['CidrBlock'] for x in subnets)} != model {sorted(r['subnets'])}")
        if len({x["AvailabilityZone"] for x in subnets}) != len(subnets):
            errs.append(f"{region}: resolver subnets share an availability zone")
        groups = [
            g
            for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
            if g["GroupName"] == "resolver-endpoints"
        ]
        if len(groups) != 1:
            errs.append(f"{region}: expected the resolver-endpoints security group, found {len(groups)}")
            continue
        sg = groups[0]

        def rules(perms: list[dict[str, Any]]) -> set[tuple[str, int, int, str]]:
            return {
                (p["IpProtocol"], p.get("FromPort", -1), p.get("ToPort", -1), ip["CidrIp"])
                for p in perms
                for ip in p.get("IpRanges", [])
            }

        want_in = {(proto, 53, 53, c) for c in res["allow_from"] for proto in ("udp", "tcp")} if res["inbound"] else set()
        want_out = {(proto, 53, 53, c) for c in res["targets"] for proto in ("udp", "tcp")}
        if rules(sg.get("IpPermissions", [])) != want_in:
            errs.append(f"{region}: resolver ingress {sorted(rules(sg.get('IpPermissions', [])))} != model {sorted(want_in)}")
        if rules(sg.get("IpPermissionsEgress", [])) != want_out:
            errs.append(f"{region}: resolver egress {sorted(rules(sg.get('IpPermissionsEgress', [])))} != model {sorted(want_out)}")
        endpoints = {e["Direction"]: e for e in _pages(rr, "list_resolver_endpoints", "ResolverEndpoints")}
        for direction, wanted in (("INBOUND", res["inbound"]), ("OUTBOUND", res["outbound"])):
            e = endpoints.get(direction)
            if not wanted:
                if e:
                    errs.append(f"{region}: an {direction} endpoint the model does not have")
                continue
            if e is None:
                errs.append(f"{region}: no {direction} resolver endpoint")
                continue
            if e.get("HostVPCId") != vpc or e.get("SecurityGroupIds") != [sg["GroupId"]]:
                errs.append(f"{region}: {direction} endpoint in {e.get('HostVPCId')} with {e.get('SecurityGroupIds')}")
            ips = _pages(rr, "list_resolver_endpoint_ip_addresses", "IpAddresses", ResolverEndpointId=e["Id"])
            if sorted(i["SubnetId"] for i in ips) != sorted(x["SubnetId"] for x in subnets):
                errs.append(f"{region}: {direction} endpoint addresses not one per resolver subnet")
        got_rules = {
            x["DomainName"].rstrip("."): x
            for x in _pages(rr, "list_resolver_rules", "ResolverRules")
            if x.get("RuleType") == "FORWARD"
        }
        for want in res["rules"]:
            x = got_rules.get(want["domain"])
            if x is None:
                errs.append(f"{region}: no FORWARD rule for {want['domain']!r} (rules: {sorted(got_rules)})")
                continue
            targets = sorted(t["Ip"] for t in x.get("TargetIps", []))
            if targets != sorted(want["targets"]) or any(t.get("Port") != 53 for t in x.get("TargetIps", [])):
                errs.append(f"{region}: rule {want['domain']!r} targets {x.get('TargetIps')} != model {want['targets']}:53")
            if x.get("ResolverEndpointId") != (endpoints.get("OUTBOUND") or {}).get("Id"):
                errs.append(f"{region}: rule {want['domain']!r} does not go through the outbound endpoint")
        if len(got_rules) != len(res["rules"]):
            errs.append(f"{region}: FORWARD rules {sorted(got_rules)} != model {[w['domain'] for w in res['rules']]}")
        logged = {
            a["ResourceId"]
            for a in _pages(rr, "list_resolver_query_log_config_associations", "ResolverQueryLogConfigAssociations")
        }
        if vpc not in logged:
            errs.append(f"{region}: no query logging on the resolver VPC")
    return errs


def check_bootstrap(clients: Clients, model: dict[str, Any]) -> list[str]:
    """The state bucket: versioned, encrypted with KMS, never public, TLS only."""
    errs: list[str] = []
    bucket = model["state"]["bucket"]
    s3 = clients("s3")
    names = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    if bucket not in names:
        return [f"state bucket {bucket!r} missing (buckets: {names})"]
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
        errs.append("state bucket versioning is not Enabled")
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    algos = [r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in rules]
    if algos != ["aws:kms"]:
        errs.append(f"state bucket encryption {algos}, want ['aws:kms']")
    pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    if not all(pab.get(k) for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")):
        errs.append(f"state bucket public access block incomplete: {pab}")
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    tls = [
        st for st in policy.get("Statement", [])
        if st.get("Effect") == "Deny"
        and (st.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport") in ("false", False)
    ]
    if not tls:
        errs.append(f"state bucket policy has no TLS-only deny: {policy}")
    return errs


CHECKS: dict[str, Callable[[Clients, dict[str, Any]], list[str]]] = {
    "bootstrap": check_bootstrap,
    "organization": check_organization_stack,
    "identity-center": check_identity_center,
    "baseline": check_baseline,
    "backup": check_backup,
    "network": check_network,
    "dns": check_dns,
}


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------


@dataclass
class Report:
    stacks: list[StackResult] = field(default_factory=list)
    mismatches: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.errors
            and all(s.error is None and s.plan_clean for s in self.stacks)
            and not any(self.mismatches.values())
        )


def run(
    tree: Path,
    stacks: list[str],
    model: dict[str, Any],
    timeout: float = 600,
    keep: bool = False,
    log: Callable[[str], None] = print,
    workroot: Path | None = None,
) -> Report:
    deadline = Deadline(timeout)
    report = Report()
    region = (model.get("organization") or {}).get("home_region") or "us-east-1"
    plugin_dir = find_plugin_dir()
    tmp = Path(tempfile.mkdtemp(prefix="landform-oracle-", dir=workroot))
    cli_config = tmp / "terraformrc"
    cli_config.write_text("")
    env = terraform_env(cli_config)
    server = None
    try:
        server, endpoint = emulator.start()
        log(f"emulator: {endpoint}  region: {region}  plugins: {plugin_dir}")
        for stack in stacks:
            res = apply_stack(stack, tree / stack, tmp / stack, endpoint, env, plugin_dir, deadline, log)
            report.stacks.append(res)
            if res.error:
                log(f"[{stack}] FAILED: {res.error}")
                break
            log(
                f"[{stack}] applied {res.added} resources in {res.apply_s:.1f} s "
                f"(init {res.init_s:.1f} s), re-plan clean ({res.plan_s:.1f} s, {res.plan_calls} API calls)"
            )
        clients = Clients(endpoint, region)
        for res in report.stacks:
            if res.error:
                continue
            check = CHECKS.get(res.stack)
            if check is None:
                log(f"[{res.stack}] no state check registered")
                continue
            try:
                errs = check(clients, model)
            except Exception as e:  # a check crashing is a failure, not a pass
                errs = [f"check crashed: {type(e).__name__}: {e}"]
            report.mismatches[res.stack] = errs
            if errs:
                log(f"[{res.stack}] {len(errs)} mismatch(es) against the model:")
                for e in errs:
                    log(f"  - {e}")
            else:
                log(f"[{res.stack}] emulator state matches the model")
        if emulator.CALLS:
            log("patched emulator operations served: " + ", ".join(f"{k}={v}" for k, v in sorted(emulator.CALLS.items())))
        if emulator.CFN_UNSUPPORTED:
            log(
                "emulator gap: moto's CloudFormation cannot create these resource types inside "
                "stack instances (the stack sets and their instances exist; these resources do not): "
                + ", ".join(sorted(emulator.CFN_UNSUPPORTED))
            )
    except Exception as e:
        report.errors.append(f"{type(e).__name__}: {e}")
        log(f"oracle error: {type(e).__name__}: {e}")
    finally:
        if server is not None:
            emulator.stop(server)
        if keep:
            log(f"kept work directory: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    log("ORACLE: PASS" if report.ok else "ORACLE: FAIL")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tree", required=True, type=Path, help="landform output directory (one subdirectory per stack)")
    ap.add_argument("--stacks", required=True, help="comma-separated stack names, applied in order")
    ap.add_argument("--model", required=True, type=Path, help="landform Model as JSON")
    ap.add_argument("--timeout", type=float, default=600, help="overall time budget in seconds (default 600)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work directories")
    a = ap.parse_args(argv)
    stacks = [s.strip() for s in a.stacks.split(",") if s.strip()]
    model = json.loads(a.model.read_text(encoding="utf-8"))
    report = run(a.tree, stacks, model, timeout=a.timeout, keep=a.keep)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
