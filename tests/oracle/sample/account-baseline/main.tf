data "aws_organizations_organization" "this" {}

locals {
  account_ids_by_email = {
    for a in data.aws_organizations_organization.this.accounts : a.email => a.id
  }
}

data "aws_caller_identity" "payments_prod" {
  provider = aws.payments_prod
}

resource "aws_iam_role" "payments_prod_audit" {
  provider = aws.payments_prod
  name     = "landform-audit"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_organizations_organization.this.master_account_id}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "payments_prod_audit" {
  provider   = aws.payments_prod
  role       = aws_iam_role.payments_prod_audit.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_ebs_encryption_by_default" "payments_prod" {
  provider = aws.payments_prod
  enabled  = true
}

output "payments_prod_caller_account" {
  value = data.aws_caller_identity.payments_prod.account_id
}
