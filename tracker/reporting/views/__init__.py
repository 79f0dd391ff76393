"""Staff pages: one module per page family (report grid and months, verification, allocations)."""
