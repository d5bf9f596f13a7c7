locals {
  h = <<EOT
  raw   ${ var.x }  
   text with "quotes" and \backslashes\ and $${literal} and %%{literal}
  { unbalanced [ brackets (
EOT
  i = 1
  jjj = <<-EOT
      indented
        more ${ upper( var.y ) }
    EOT
  k = [<<EOT
x
EOT
  , 2]
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "${ aws_s3_bucket.b.arn }/*"
    }
  ]
}
POLICY
  directives = <<EOT
%{ for name in var.names ~}
hello ${name}
%{ endfor ~}
%{if var.x}yes%{else}no%{endif}
EOT
  empty = <<EOT
EOT
  with_marker_inside = <<END
  END is not alone here
ENDING is not the marker
END
  after = "done"
}

resource "aws_iam_policy" "p" {
  name = "p"
  policy = <<-JSON
    {"a": "${var.a}"}
  JSON
  description = "d"
}

output "o" {
  value = templatefile("${path.module}/t.tpl", {
  a = <<EOT
nested in a call
EOT
  b = 2
  })
}
