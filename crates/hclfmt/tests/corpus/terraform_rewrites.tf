locals {
  a = "${var.a}"
  b = "${ var.b }"
  c = { d = "${var.d}" }
  e = "x${var.e}"
  f = "${var.f}${var.g}"
  g = "${
    var.multi
  }"
}

variable x {
  type = "map"
  default = {}
}

variable "y" {
  type = list
}

variable "z" {
  type = "string"
}

variable "w" {
  type = "list"
}

variable "v" {
  type = set
}

resource "x" "caf\u00e9" {
}

resource x y {
  a = 1
}

resource "a" "b\u0041" {}
