# The API caller of the API tests, for the training rule through /api/v1/supporters.
from peersupport.api.tests.conftest import call  # noqa: F401
