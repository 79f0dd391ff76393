"""Pure helper functions shared by the apps (no models, no queries)."""
