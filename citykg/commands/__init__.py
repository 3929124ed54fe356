"""The commands on top: the CLI and what it runs (build, imports, export, validate, listing)."""
