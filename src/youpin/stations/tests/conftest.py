"""Browser fixtures for the stations tests: the portal's headless Chromium, reused."""

from youpin.portal.tests.conftest import browser, page

__all__ = ["browser", "page"]
