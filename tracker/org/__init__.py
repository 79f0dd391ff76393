"""Organisation: zone groups, districts, bureaus (the units that own targets and report)."""
