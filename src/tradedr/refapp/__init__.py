"""The reference application the instances run (and the local lab runs the same file)."""
