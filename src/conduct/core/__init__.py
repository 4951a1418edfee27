"""Pure-Python domain engines. Nothing here imports Django or touches I/O beyond what a caller passes in."""
