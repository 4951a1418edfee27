"""factory_boy factories, one module per area: tests build their own rows instead of using the demo."""
