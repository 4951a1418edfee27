"""Database backends Conduct ships (selected in settings, not by users)."""
