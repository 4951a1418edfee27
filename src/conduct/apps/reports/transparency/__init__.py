"""The annual transparency report: gather (aggregate queries) -> figures (pure) -> files (HTML, PDF, JSON,
CSV,
SVG) -> a signed manifest with the ledger checkpoint made at publication, verifiable without the system."""
