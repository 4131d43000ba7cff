"""A broken package."""
