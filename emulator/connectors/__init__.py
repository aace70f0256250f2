"""The connector engine: templates, value rendering, remote calls."""
