"""The ML Commons backend: state and rules, no HTTP."""
