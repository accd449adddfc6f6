"""The packaged monitoring parameters (``monitoring.toml``)."""
