provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      "cost-center" = "platform"
      "managed-by"  = "landform"
    }
  }
}
