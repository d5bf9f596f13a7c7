terraform {
required_version = ">= 1.5"
  required_providers {
  aws = {
  source = "hashicorp/aws"
  version = "~> 5.0"
  configuration_aliases = [aws.a, aws.b]
  }
  }
  backend "s3" {}
}
provider "aws" {
  alias = "acct_123"
region = "us-east-1"
  assume_role {
  role_arn = "arn:aws:iam::123:role/OrganizationAccountAccessRole"
  session_name  = "landform"
  }
}
moved {
from = aws_organizations_account.a
  to = aws_organizations_account.b
}
import {
   to = aws_organizations_organizational_unit.ou
 id = "ou-123"
}
removed {
  from = aws_x.y
  lifecycle {
    destroy = false
  }
}
check "c" {
  assert {
    condition = 1 == 1
    error_message = "no"
  }
}
output "ids" {
  value = { for k, a in aws_organizations_account.this : k => a.id }
  description = "Account ids # by name"
  sensitive = false
}
