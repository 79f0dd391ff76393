"""Policies, targets, per-unit allocations and monthly results, and the progress math."""
