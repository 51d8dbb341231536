"""The built guide opens in a real browser, served as a CDN would serve it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .browser import static_server


def test_home_page_renders_in_chromium_with_its_stylesheet(real_output: Path, browser: Any) -> None:
    with static_server(real_output) as base:
        page = browser.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        response = page.goto(base)
        assert response is not None and response.status == 200
        assert page.locator("h1").first.inner_text() == "UK Machine Learning Location Guide"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgba(0, 0, 0, 0)", "the hashed stylesheet was loaded"
        page.click("text=Leeds")
        assert page.locator("h1").inner_text() == "Leeds"
        assert failed == []
        page.close()
