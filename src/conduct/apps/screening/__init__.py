"""Watch-list screening: loaded lists and their versions, stored parties, alerts and their review."""
