"""factory_boy factories, one module per area (tests build their own rows, not the demo organisation)."""
