"""Conduct: human-rights due diligence and compliance for surveillance-technology companies."""

__version__ = "0.1.0"
