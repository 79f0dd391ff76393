"""The BMA urgent-targets tracker: a Django project whose apps live in this package."""
