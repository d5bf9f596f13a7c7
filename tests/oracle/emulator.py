"""Start/stop an in-process moto server on loopback, with the patches the
hashicorp/aws provider needs for a landing zone.

moto 5.2.x lacks (or the provider trips over):
  * SSO Admin: ListTagsForResource, TagResource, UntagResource,
    DescribePermissionSetProvisioningStatus (without them the provider's
    permission-set create hangs until its timeout).
  * SSO Admin: CreateAccountAssignment appends a second copy of an existing
    assignment (AWS keeps one); a repeat is answered with the existing one.
  * Account Management: PutAccountName (REST POST /putAccountName), which the
    provider calls to rename an aws_organizations_account in place.

The patches are applied once, in-process, before ThreadedMotoServer starts.
They do not rely on botocore knowing the operations (PutAccountName is
missing from older botocore models, e.g. the one pinned by checkov).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.request
from typing import Any

_PATCHED = False
_LOCK = threading.Lock()

# How often each patched operation was served (for tests / diagnostics).
CALLS: dict[str, int] = {}
# Every request the emulator served (the AWS API calls terraform made), for the reports.
REQUESTS = [0]
# CloudFormation resource types moto could not create inside a stack instance (it logs one
# warning per resource per instance; the reports name each type once instead).
CFN_UNSUPPORTED: set[str] = set()


def _count(op: str) -> None:
    CALLS[op] = CALLS.get(op, 0) + 1


# (account, region, resource arn) -> {key: value}
_SSO_TAGS: dict[tuple[str, str, str], dict[str, str]] = {}
# budget ARN -> {key: value}
_BUDGET_TAGS: dict[str, dict[str, str]] = {}
# (account, region, request id) -> provisioning status dict
_SSO_PROVISIONING: dict[tuple[str, str, str], dict[str, Any]] = {}


def _tags_to_dict(tags: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in tags or []:
        if isinstance(t, dict) and "Key" in t:
            out[t["Key"]] = t.get("Value", "")
    return out


def _patch_ssoadmin() -> None:
    from moto.core.utils import unix_time
    from moto.ssoadmin.responses import SSOAdminResponse

    def _tag_store(self: SSOAdminResponse, arn: str) -> dict[str, str]:
        key = (self.current_account, self.region, arn)
        if key not in _SSO_TAGS:
            seed: dict[str, str] = {}
            # Seed from tags given at CreatePermissionSet time.
            for ps in self.ssoadmin_backend.permission_sets:
                if ps.permission_set_arn == arn:
                    seed = _tags_to_dict(ps.tags)
            _SSO_TAGS[key] = seed
        return _SSO_TAGS[key]

    def list_tags_for_resource(self: SSOAdminResponse) -> str:
        _count("sso-admin:ListTagsForResource")
        arn = self._get_param("ResourceArn")
        tags = _tag_store(self, arn)
        return json.dumps(
            {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}
        )

    def tag_resource(self: SSOAdminResponse) -> str:
        _count("sso-admin:TagResource")
        arn = self._get_param("ResourceArn")
        _tag_store(self, arn).update(_tags_to_dict(self._get_param("Tags")))
        return "{}"

    def untag_resource(self: SSOAdminResponse) -> str:
        _count("sso-admin:UntagResource")
        arn = self._get_param("ResourceArn")
        store = _tag_store(self, arn)
        for k in self._get_param("TagKeys") or []:
            store.pop(k, None)
        return "{}"

    orig_provision = SSOAdminResponse.provision_permission_set

    def provision_permission_set(self: SSOAdminResponse) -> str:
        _count("sso-admin:ProvisionPermissionSet")
        body = json.loads(orig_provision(self))
        status = body.get("PermissionSetProvisioningStatus", {})
        if status.get("RequestId"):
            _SSO_PROVISIONING[
                (self.current_account, self.region, status["RequestId"])
            ] = dict(status)
        return json.dumps(body)

    def describe_permission_set_provisioning_status(self: SSOAdminResponse) -> str:
        _count("sso-admin:DescribePermissionSetProvisioningStatus")
        request_id = self._get_param("ProvisionPermissionSetRequestId")
        status = _SSO_PROVISIONING.get((self.current_account, self.region, request_id))
        if status is None:
            status = {
                "AccountId": self.current_account,
                "CreatedDate": unix_time(),
                "RequestId": request_id,
                "Status": "SUCCEEDED",
            }
        return json.dumps({"PermissionSetProvisioningStatus": status})

    # moto bug: _find_managed_policy reads the policy's "path" but the bundled
    # data has "Path", so every non-root AWS managed policy (e.g.
    # job-function/ViewOnlyAccess) is reported as missing.
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.ssoadmin.exceptions import ResourceNotFoundException
    from moto.ssoadmin.models import ManagedPolicy, SSOAdminBackend

    def _find_managed_policy(self: SSOAdminBackend, managed_policy_arn: str) -> Any:
        if self.aws_managed_policies is None:
            self.aws_managed_policies = json.loads(aws_managed_policies_data)
        policy_name = managed_policy_arn.split("/")[-1]
        managed = self.aws_managed_policies.get(policy_name)
        if managed is not None:
            path = managed.get("Path") or managed.get("path") or "/"
            if managed_policy_arn == f"arn:{self.partition}:iam::aws:policy{path}{policy_name}":
                return ManagedPolicy(managed_policy_arn, policy_name)
        raise ResourceNotFoundException(f"Policy does not exist with ARN: {managed_policy_arn}")

    SSOAdminBackend._find_managed_policy = _find_managed_policy  # type: ignore[method-assign]

    # moto bug: CreateAccountAssignment appends a second copy of an assignment that already
    # exists. In AWS an assignment is identified by (instance, target, permission set,
    # principal): asking for it again creates nothing, and ListAccountAssignments can never
    # return it twice. Seen in CI: the provider's create was sent twice for one assignment (an
    # SDK retry of a request the emulator had already served, under a heavily loaded machine),
    # and the provider's read then failed with "too many results: wanted 1, got 2". The repeat
    # is answered with the existing assignment and counted, so a report shows it happened.
    orig_create_assignment = SSOAdminBackend.create_account_assignment

    def create_account_assignment(
        self: SSOAdminBackend,
        instance_arn: str,
        target_id: str,
        target_type: str,
        permission_set_arn: str,
        principal_type: str,
        principal_id: str,
    ) -> dict[str, Any]:
        for existing in self.account_assignments:
            if (
                existing.instance_arn == instance_arn
                and existing.target_id == target_id
                and existing.target_type == target_type
                and existing.permission_set_arn == permission_set_arn
                and existing.principal_type == principal_type
                and existing.principal_id == principal_id
            ):
                _count("sso-admin:CreateAccountAssignment(already exists)")
                return existing.to_json(include_creation_date=True, include_request_id=True)
        return orig_create_assignment(
            self,
            instance_arn,
            target_id,
            target_type,
            permission_set_arn,
            principal_type,
            principal_id,
        )

    SSOAdminBackend.create_account_assignment = create_account_assignment  # type: ignore[method-assign]

    SSOAdminResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
    SSOAdminResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    SSOAdminResponse.untag_resource = untag_resource  # type: ignore[attr-defined]
    SSOAdminResponse.provision_permission_set = provision_permission_set  # type: ignore[method-assign]
    SSOAdminResponse.describe_permission_set_provisioning_status = (  # type: ignore[attr-defined]
        describe_permission_set_provisioning_status
    )


def _find_org_account(account_id: str) -> Any:
    """The FakeAccount with this id in any organization moto holds, or None."""
    from moto.organizations.models import organizations_backends

    for _acct, regions in list(organizations_backends.items()):
        for _region, backend in list(regions.items()):
            for acc in getattr(backend, "accounts", []):
                if acc.id == account_id:
                    return acc
    return None


def _json_error(status: int, code: str, message: str) -> tuple[int, dict[str, str], str]:
    return (
        status,
        {"Content-Type": "application/json", "X-Amzn-ErrorType": code},
        json.dumps({"__type": code, "message": message}),
    )


def _patch_account() -> None:
    import moto.account.urls as account_urls
    from moto.account.responses import AccountResponse

    def put_account_name(request: Any, full_url: str, headers: Any) -> Any:
        _count("account:PutAccountName")
        resp = AccountResponse()
        resp.setup_class(request, full_url, headers)
        try:
            body = json.loads(resp.body or "{}")
        except ValueError:
            body = {}
        account_id = body.get("AccountId") or resp.current_account
        name = body.get("AccountName")
        if not name:
            return _json_error(400, "ValidationException", "AccountName is required")
        acc = _find_org_account(account_id)
        if acc is None:
            return _json_error(
                404, "ResourceNotFoundException", f"Account {account_id} not found"
            )
        acc.name = name
        return 200, {"Content-Type": "application/json"}, ""

    def get_account_information(request: Any, full_url: str, headers: Any) -> Any:
        _count("account:GetAccountInformation")
        resp = AccountResponse()
        resp.setup_class(request, full_url, headers)
        try:
            body = json.loads(resp.body or "{}")
        except ValueError:
            body = {}
        account_id = body.get("AccountId") or resp.current_account
        acc = _find_org_account(account_id)
        if acc is None:
            return _json_error(
                404, "ResourceNotFoundException", f"Account {account_id} not found"
            )
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps(
                {
                    "AccountId": acc.id,
                    "AccountName": acc.name,
                    "AccountCreatedDate": acc.create_time.isoformat(),
                }
            ),
        )

    account_urls.url_paths["{0}/putAccountName$"] = put_account_name
    account_urls.url_paths["{0}/getAccountInformation$"] = get_account_information


def _patch_backup_policy() -> None:
    """moto lists BACKUP_POLICY as supported but has no ARN format for it, so CreatePolicy of
    a backup policy raises NotImplementedError (a 500). Give it the ARN AWS uses."""
    from moto.organizations import models as org_models

    original_init = org_models.FakePolicy.__init__

    def init(self: Any, organization: Any, **kwargs: Any) -> None:
        if kwargs.get("Type") != "BACKUP_POLICY":
            original_init(self, organization, **kwargs)
            return
        kwargs = dict(kwargs, Type="TAG_POLICY")
        original_init(self, organization, **kwargs)
        _count("CreatePolicy(BACKUP_POLICY)")
        self.type = "BACKUP_POLICY"
        self._arn_format = "arn:{0}:organizations::{1}:policy/{2}/backup_policy/{3}"

    org_models.FakePolicy.__init__ = init


def _patch_declarative_policy() -> None:
    """moto's lists of policy types predate EC2 declarative policies (DECLARATIVE_POLICY_EC2),
    so EnablePolicyType and CreatePolicy reject the type. Add it to both lists and give it the
    ARN AWS uses; storing, attaching and listing the policy stay moto's generic code."""
    from moto.organizations import models as org_models

    kind = "DECLARATIVE_POLICY_EC2"
    for cls in (org_models.FakeRoot, org_models.FakePolicy):
        if kind not in cls.SUPPORTED_POLICY_TYPES:
            cls.SUPPORTED_POLICY_TYPES.append(kind)
    original_init = org_models.FakePolicy.__init__

    def init(self: Any, organization: Any, **kwargs: Any) -> None:
        if kwargs.get("Type") != kind:
            original_init(self, organization, **kwargs)
            return
        original_init(self, organization, **dict(kwargs, Type="TAG_POLICY"))
        _count(f"CreatePolicy({kind})")
        self.type = kind
        self._arn_format = "arn:{0}:organizations::{1}:policy/{2}/declarative_policy_ec2/{3}"

    org_models.FakePolicy.__init__ = init


def _patch_stack_sets() -> None:
    """CloudFormation StackSets: moto drops CreateStackSet's and UpdateStackSet's AutoDeployment
    and Capabilities and reports a self-managed administration role for service-managed stack
    sets, so every re-plan would replace the stack set. Keep the two settings as given and
    report them back in DescribeStackSet; a SERVICE_MANAGED stack set has no administration
    role, as in AWS. Deploying to accounts that join an OU later stays unemulated (moto has no
    organization events for CloudFormation)."""
    from moto.cloudformation.responses import CloudFormationResponse

    def remember(self: CloudFormationResponse) -> None:
        ss = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
        auto = self._get_params().get("AutoDeployment")
        if auto is not None:
            ss.auto_deployment = {
                "Enabled": str(auto.get("Enabled", "false")).lower() == "true",
                "RetainStacksOnAccountRemoval": str(
                    auto.get("RetainStacksOnAccountRemoval", "false")
                ).lower()
                == "true",
            }
        caps = list(self._get_param("Capabilities", []) or [])
        if caps or not hasattr(ss, "capabilities"):
            ss.capabilities = caps
        if ss.permission_model == "SERVICE_MANAGED":
            ss.administration_role_arn = None

    for op in ("create_stack_set", "update_stack_set"):
        original = getattr(CloudFormationResponse, op)

        def wrapped(self: CloudFormationResponse, _original: Any = original, _op: str = op) -> Any:
            out = _original(self)
            _count(f"cloudformation:{_op}")
            remember(self)
            return out

        setattr(CloudFormationResponse, op, wrapped)


def _patch_backup_tags() -> None:
    """AWS Backup ListTags: moto takes the resource ARN from the second-to-last path segment,
    which holds only for `/tags/{arn}/`; the Go SDK (the provider) sends `/tags/{arn}` without
    the slash, so moto looked up the tags of `tags` and every vault read back none (a perpetual
    `tags_all` diff). Take the segment after `/tags/` instead; the tags are moto's."""
    from urllib.parse import unquote

    from moto.backup.responses import BackupResponse

    def list_tags(self: BackupResponse) -> str:
        _count("backup:ListTags")
        arn = unquote(self.path.split("/tags/", 1)[1].rstrip("/"))
        return json.dumps({"Tags": self.backup_backend.list_tags(resource_arn=arn)})

    BackupResponse.list_tags = list_tags  # type: ignore[method-assign]


def _patch_budgets() -> None:
    """Budgets: moto keeps each notification's subscribers (from CreateBudget) but has no
    DescribeSubscribersForNotification, which the provider reads after every create. Serve it
    from moto's own stored notification; an unknown budget or notification is AWS's
    NotFoundException. And tags (below)."""
    from moto.budgets.responses import BudgetsResponse

    def describe_subscribers_for_notification(self: BudgetsResponse) -> Any:
        _count("budgets:DescribeSubscribersForNotification")
        account_id = self._get_param("AccountId")
        budget_name = self._get_param("BudgetName")
        wanted = self._get_param("Notification") or {}
        budget = self.backend.budgets.get(account_id, {}).get(budget_name)
        keys = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")
        for n in budget.notifications if budget else []:
            if all(n.details.get(k) == wanted.get(k) for k in keys if k in wanted):
                return json.dumps({"Subscribers": n.subscribers, "NextToken": None})
        return _json_error(400, "NotFoundException", "no such budget notification")

    BudgetsResponse.describe_subscribers_for_notification = describe_subscribers_for_notification  # type: ignore[attr-defined]

    # Tags: moto ignores CreateBudget's ResourceTags and has no tag operations; the provider
    # reads the tags of every budget. Keep them per budget ARN, seeded at CreateBudget.
    original_create = BudgetsResponse.create_budget

    def create_budget(self: BudgetsResponse) -> Any:
        out = original_create(self)
        name = (self._get_param("Budget") or {}).get("BudgetName", "")
        arn = f"arn:aws:budgets::{self._get_param('AccountId')}:budget/{name}"
        _BUDGET_TAGS[arn] = _tags_to_dict(self._get_param("ResourceTags"))
        return out

    def list_tags_for_resource(self: BudgetsResponse) -> Any:
        _count("budgets:ListTagsForResource")
        tags = _BUDGET_TAGS.get(self._get_param("ResourceARN"), {})
        return json.dumps({"ResourceTags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})

    def tag_resource(self: BudgetsResponse) -> Any:
        _count("budgets:TagResource")
        store = _BUDGET_TAGS.setdefault(self._get_param("ResourceARN"), {})
        store.update(_tags_to_dict(self._get_param("ResourceTags")))
        return json.dumps({})

    def untag_resource(self: BudgetsResponse) -> Any:
        _count("budgets:UntagResource")
        store = _BUDGET_TAGS.setdefault(self._get_param("ResourceARN"), {})
        for k in self._get_param("ResourceTagKeys") or []:
            store.pop(k, None)
        return json.dumps({})

    BudgetsResponse.create_budget = create_budget  # type: ignore[method-assign]
    BudgetsResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
    BudgetsResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    BudgetsResponse.untag_resource = untag_resource  # type: ignore[attr-defined]


def _patch_trusted_services() -> None:
    """moto's list of principals for EnableAWSServiceAccess lacks GuardDuty Malware Protection
    (`malware-protection.guardduty.amazonaws.com`, which AWS Organizations lists for GuardDuty)
    and IAM (`iam.amazonaws.com`, for centralized root access management),
    so trusting it fails with "unrecognized service principal". Add it to the list; the API
    itself is moto's."""
    from moto.organizations import models as org_models

    for principal in ("malware-protection.guardduty.amazonaws.com", "iam.amazonaws.com"):
        if principal not in org_models.FakeServiceAccess.TRUSTED_SERVICES:
            org_models.FakeServiceAccess.TRUSTED_SERVICES.append(principal)
    # Services AWS lets the organization delegate administration of (Organizations' list of
    # integrated services) that moto's list lacks; registering and listing stay moto's.
    for principal in (
        "sso.amazonaws.com",
        "backup.amazonaws.com",
        "member.org.stacksets.cloudformation.amazonaws.com",
    ):
        if principal not in org_models.FakeDelegatedAdministrator.SUPPORTED_SERVICES:
            org_models.FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(principal)


def _serialize_requests() -> None:
    """moto's backends are not thread-safe, and terraform sends up to -parallelism requests at
    once. A request that raced another could fail with a 500 after its change was made, and the
    SDK's retry then made it twice (seen: two `Prod` OUs under one parent). One request at a
    time, as one AWS region would serialize conflicting writes, makes runs deterministic."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original_call = DomainDispatcherApplication.__call__
    lock = threading.Lock()

    def call(self: Any, environ: Any, start_response: Any) -> Any:
        with lock:
            REQUESTS[0] += 1
            return original_call(self, environ, start_response)

    DomainDispatcherApplication.__call__ = call


def _collect_cfn_gaps() -> None:
    """moto logs "No Moto CloudFormation support for T" for every resource of every stack
    instance it cannot create (hundreds of lines for one StackSet), and warns once more while
    parsing. Collect the types instead; run.py names each once in its report."""
    import logging
    import warnings

    class Collect(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            if record.msg == "No Moto CloudFormation support for %s" and record.args:
                CFN_UNSUPPORTED.add(str(record.args[0]))  # type: ignore[index]
                return False
            return True

    # moto's CloudFormation parser logs through the "moto" logger itself.
    logging.getLogger("moto").addFilter(Collect())
    warnings.filterwarnings("ignore", message="Tried to parse .* but it's not supported by moto")


def apply_patches() -> None:
    global _PATCHED
    with _LOCK:
        if _PATCHED:
            return
        _patch_ssoadmin()
        _patch_account()
        _patch_backup_policy()
        _patch_declarative_policy()
        _patch_stack_sets()
        _patch_backup_tags()
        _patch_budgets()
        _serialize_requests()
        _patch_trusted_services()
        _collect_cfn_gaps()
        _PATCHED = True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(timeout: float = 20.0) -> tuple[Any, str]:
    """Start a patched moto server on 127.0.0.1:<free port>.

    Returns (server, endpoint_url). Always pair with stop(server)."""
    # AWS managed IAM policies (arn:aws:iam::aws:policy/...) are only
    # attachable in moto when loaded; must be set before any IAM backend exists.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    apply_patches()
    import logging

    from moto.server import ThreadedMotoServer

    # werkzeug logs every request at INFO; keep the report readable.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(endpoint + "/moto-api/", timeout=2) as r:
                r.read()
            break
        except Exception:
            if time.monotonic() > deadline:
                stop(server)
                raise RuntimeError(f"moto server did not come up on {endpoint}")
            time.sleep(0.1)
    return server, endpoint


def stop(server: Any) -> None:
    try:
        server.stop()
    except Exception:
        pass
