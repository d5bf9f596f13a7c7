data "aws_ssoadmin_instances" "this" {}

data "aws_organizations_organization" "this" {}

locals {
  instance_arn      = tolist(data.aws_ssoadmin_instances.this.arns)[0]
  identity_store_id = tolist(data.aws_ssoadmin_instances.this.identity_store_ids)[0]
  account_ids_by_email = {
    for a in data.aws_organizations_organization.this.accounts : a.email => a.id
  }
  account_emails = {
    "payments_prod" = "aws+payments-prod@acme.example"
    "shared"        = "aws+shared@acme.example"
  }
}

resource "aws_identitystore_group" "platform_admins" {
  identity_store_id = local.identity_store_id
  display_name      = "platform-admins"
  description       = "Platform administrators"
}

resource "aws_identitystore_group" "payments_devs" {
  identity_store_id = local.identity_store_id
  display_name      = "payments-developers"
  description       = "Payments developers"
}

resource "aws_ssoadmin_permission_set" "admin" {
  instance_arn     = local.instance_arn
  name             = "AdministratorAccess"
  description      = "Full administrator access"
  session_duration = "PT1H"
}

resource "aws_ssoadmin_managed_policy_attachment" "admin_administratoraccess" {
  instance_arn       = local.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.admin.arn
  managed_policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_ssoadmin_permission_set" "read_only" {
  instance_arn     = local.instance_arn
  name             = "ReadOnly"
  description      = "Read-only access"
  session_duration = "PT1H"
}

resource "aws_ssoadmin_managed_policy_attachment" "read_only_readonlyaccess" {
  instance_arn       = local.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.read_only.arn
  managed_policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_ssoadmin_managed_policy_attachment" "read_only_viewonlyaccess" {
  instance_arn       = local.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.read_only.arn
  managed_policy_arn = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
}

resource "aws_ssoadmin_account_assignment" "platform_admins_admin_shared" {
  instance_arn       = local.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.admin.arn
  principal_type     = "GROUP"
  principal_id       = aws_identitystore_group.platform_admins.group_id
  target_type        = "AWS_ACCOUNT"
  target_id          = local.account_ids_by_email[local.account_emails["shared"]]

  depends_on = [aws_ssoadmin_managed_policy_attachment.admin_administratoraccess]
}

resource "aws_ssoadmin_account_assignment" "platform_admins_admin_payments_prod" {
  instance_arn       = local.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.admin.arn
  principal_type     = "GROUP"
  principal_id       = aws_identitystore_group.platform_admins.group_id
  target_type        = "AWS_ACCOUNT"
  target_id          = local.account_ids_by_email[local.account_emails["payments_prod"]]

  depends_on = [aws_ssoadmin_managed_policy_attachment.admin_administratoraccess]
}

resource "aws_ssoadmin_account_assignment" "payments_devs_read_only_payments_prod" {
  instance_arn       = local.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.read_only.arn
  principal_type     = "GROUP"
  principal_id       = aws_identitystore_group.payments_devs.group_id
  target_type        = "AWS_ACCOUNT"
  target_id          = local.account_ids_by_email[local.account_emails["payments_prod"]]

  depends_on = [
    aws_ssoadmin_managed_policy_attachment.read_only_readonlyaccess,
    aws_ssoadmin_managed_policy_attachment.read_only_viewonlyaccess,
  ]
}
