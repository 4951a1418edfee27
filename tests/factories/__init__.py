"""factory_boy factories: each test builds the rows it needs (the demo organisation is for people)."""
