"""Browser fixtures of the portal, reused by the cockpit's browser test."""

from youpin.portal.tests.conftest import browser, page  # noqa: F401
