# A file comment   
// Another one
/* A block comment */

/*
 * Multi-line
 * block comment
 */
locals {
  # leading comment
  a = 1 # one
  bbbbb = [1, 2] # two
  // slash comment
  c = 3
  dd = 4   #   trailing spaces   
  e = 5 /* inline */
  /* whole line */
  ffff = 6 // slash trailing
  g = {
    # inside
    h = 1 # h
    iii = "x # not a comment" # real comment
  }
  j = [
    1, # first
    22, # second
    333 # third
  ]
}

resource "a" "b" /* between labels */ {
  x = 1
}
# Final comment without newline
# ends without a newline
locals {
  a = 1
}