resource "x" "y" {
  depends_on = [aws_x.y]
  for_each = { for k, v in local.x : k => v if v != null }
  count = var.a == 1 ? 1 : 0
  enabled = var.n >= 2 && var.m <= 3 || !var.z
  a = -1
  b = var.x - 1
  c = [-1, - 2, 3 * -4, (5) - 6]
  d = var.list[0].id
  e = var.list[*].id
  f = max(1,-2)
  g = a.0
  h = var.a ? { k = [1, (2 + 3) * 4] } : {}
  i = "${var.a ? "yes" : "no"}"
  j = [for x in [1, 2]: x * 2]
  k = {for k, v in var.m: k => v...}
  l = provider::aws::arn_parse(var.arn)
  m = concat(var.lists ...)
  n = var.a.b["c"].d[0]
  o = 1.5e3 + 0.25 - 2E-2
  p = "%{ if var.x }yes%{ else }no%{ endif }"
  q = "%{ for s in var.l }${ s },%{ endfor }"
  r = "${~ var.x ~}"
  s = var.m % 2 / 3
  t = {a=1,b=[1,2],"c"=3}
  u = {}
  v = { }
  w = []
  x = tomap({"k"=1})
  y = try(var.x, null) != null ? true : false
  z = [for s in var.l : upper(s) if s != ""]
}
