resource "aws_organizations_organization" "this" {
  feature_set = "ALL"

  enabled_policy_types = [
    "SERVICE_CONTROL_POLICY",
    "TAG_POLICY",
  ]

  aws_service_access_principals = [
    "cloudtrail.amazonaws.com",
    "sso.amazonaws.com",
  ]
}

resource "aws_organizations_organizational_unit" "workloads" {
  name      = "Workloads"
  parent_id = aws_organizations_organization.this.roots[0].id
}

resource "aws_organizations_organizational_unit" "prod" {
  name      = "Prod"
  parent_id = aws_organizations_organizational_unit.workloads.id
}

resource "aws_organizations_account" "log_archive" {
  name              = "log-archive"
  email             = "aws+log-archive@acme.example"
  parent_id         = aws_organizations_organization.this.roots[0].id
  close_on_deletion = false
  tags = {
    "workload" = "logging"
  }

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [role_name]
  }
}

resource "aws_organizations_account" "payments_prod" {
  name              = "payments-prod"
  email             = "aws+payments-prod@acme.example"
  parent_id         = aws_organizations_organizational_unit.prod.id
  close_on_deletion = false
  tags = {
    "workload"    = "payments"
    "environment" = "prod"
  }

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [role_name]
  }
}

resource "aws_organizations_account" "shared" {
  name              = "shared-services"
  email             = "aws+shared@acme.example"
  parent_id         = aws_organizations_organizational_unit.workloads.id
  close_on_deletion = false
  tags = {
    "workload" = "shared"
  }

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [role_name]
  }
}

resource "aws_organizations_policy" "deny_leave_organization" {
  name        = "deny-leave-organization"
  description = "Member accounts may not leave the organization."
  type        = "SERVICE_CONTROL_POLICY"
  content     = jsonencode(jsondecode(file("${path.module}/policies/deny-leave-organization.json")))

  depends_on = [aws_organizations_organization.this]
}

resource "aws_organizations_policy_attachment" "deny_leave_organization_root" {
  policy_id = aws_organizations_policy.deny_leave_organization.id
  target_id = aws_organizations_organization.this.roots[0].id
}

resource "aws_organizations_policy_attachment" "deny_leave_organization_prod" {
  policy_id = aws_organizations_policy.deny_leave_organization.id
  target_id = aws_organizations_organizational_unit.prod.id
}
