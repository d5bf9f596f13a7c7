region="us-east-1"
accounts = ["a", "b"]
  tags = { Team = "x" }
enabled=true
