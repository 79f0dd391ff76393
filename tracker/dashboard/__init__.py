"""Read-only pages for advisers: overview, bureau, target and district pages, OKR tables."""
