resource "aws_organizations_policy" "very_long_resource_name_that_goes_on_and_on_and_on_and_on_and_on" {
  content = jsonencode(jsondecode(file("${path.module}/policies/a-very-long-file-name-that-keeps-going-and-going.json")))
  name = "p-${var.env}-${lookup(var.m, "k", "d")}-${join("-", [for s in var.list_of_many_strings : lower(replace(s, "_", "-"))])}"
  description = "A very long description that is certainly longer than one hundred and twenty characters, which no formatter wraps at all."
  x = 1
}
