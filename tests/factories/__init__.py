"""factory_boy factories, one module per area: tests build their own rows (the demo is for people)."""
