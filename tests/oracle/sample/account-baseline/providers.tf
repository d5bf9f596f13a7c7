provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      "cost-center" = "platform"
      "managed-by"  = "landform"
    }
  }
}

# Cross-account provider: assumes the role AWS Organizations creates in every member account.
provider "aws" {
  alias  = "payments_prod"
  region = "eu-west-1"

  assume_role {
    role_arn     = "arn:aws:iam::${local.account_ids_by_email["aws+payments-prod@acme.example"]}:role/OrganizationAccountAccessRole"
    session_name = "landform"
  }

  default_tags {
    tags = {
      "cost-center" = "platform"
      "managed-by"  = "landform"
    }
  }
}
