"""Browser fixtures for the trust pages' browser test."""

from youpin.portal.tests.conftest import browser, page  # noqa: F401
