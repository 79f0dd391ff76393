"""The people and the doubled demo data of the reporting and dashboard tests, for the OKR tests."""
from tests.dashboard.conftest import queries_before_and_after_doubling  # noqa: F401  (fixtures)
from tests.reporting.conftest import people  # noqa: F401
