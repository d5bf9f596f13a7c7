


locals {


  a = 1



  bb = 2

}



locals {
  c = 3
}


