"""The development IdP is tested through the same HTTPS client as sign-in."""

from tests.pb.auth.conftest import browser  # noqa: F401 (a fixture shared with the sign-in tests)
