"""The built guide opens in a real browser, served as a CDN would serve it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .browser import static_server


def test_home_page_renders_in_chromium_with_its_stylesheet(real_output: Path, browser: Any) -> None:
    with static_server(real_output) as base:
        page = browser.new_page()
        failed: list[str] = []
        # A favicon still loading when the next page opens is aborted: that is no failure.
        page.on("requestfailed", lambda request: failed.append(f"{request.failure} {request.url}")
                if request.failure != "net::ERR_ABORTED" else None)
        response = page.goto(base)
        assert response is not None and response.status == 200
        assert page.locator("h1").first.inner_text() == "UK Machine Learning Location Guide"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgba(0, 0, 0, 0)", "the hashed stylesheet was loaded"
        page.locator("main").get_by_role("link", name="Leeds").first.click()
        page.wait_for_url(base + "cities/leeds/")
        expect(page.locator("h1")).to_have_text("Leeds")
        assert failed == []
        page.close()
