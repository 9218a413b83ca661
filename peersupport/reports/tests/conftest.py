from peersupport.api.tests.conftest import call  # noqa: F401 - the API's persona caller
