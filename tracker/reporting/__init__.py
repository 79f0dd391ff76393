"""Monthly reporting by the units: the report grid, verification by the host, allocations, closing months."""
