a {
b {
c {
d {
e = 1
ff = 2
}
}
}
}

resource "x" "y" {
  dynamic "tag" {
  for_each = var.tags
  content {
  key = tag.key
  value = tag.value
  }
  }
  lifecycle { create_before_destroy = true }
  timeouts {}
  nested = {
  level1 = {
  level2 = {
  level3 = [
  { a = 1 },
  { bb = [1, 2, { c = 3 }] },
  ]
  }
  }
  }
}

locals {
  merged = merge(
  local.a,
  {
  x = 1
  yy = 2
  },
  )
  accounts = [
  {
  name = "a"
  email = "a@x"
  },
  {
  name = "bbbb"
  email = "b@x"
  }
  ]
  weird = [
    [1, 2],
  [3, 4]]
  paren = (
  1 + 2
  )
}
