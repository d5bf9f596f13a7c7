resource "aws_organizations_account" "a" {
name = "a"
      email =    "a@example.com"
  parent_id=aws_organizations_organizational_unit.x.id
  close_on_deletion  =  false


  role_name = "OrganizationAccountAccessRole"
  tags = {
  Name = "n"
  "cost-center" = "cc"
    "aws:cloudformation:stack-name"   =  "s"
  a=1
  }
  iam_user_access_to_billing = "ALLOW"
}

locals {
  a = 1
  bbbbbbbbbb = 2
  policy = jsonencode({
  Version = "2012-10-17"
  Statement = []
  })
  c = 3
  ddd = 4
  x = [1,
  2]
  yy = 3
  z = [{
  a = 1
  }, {
  bbb = 2
  }]
}
