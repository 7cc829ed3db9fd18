"""Browser fixtures shared with the portal's tests."""

from youpin.portal.tests.conftest import browser, page  # noqa: F401
