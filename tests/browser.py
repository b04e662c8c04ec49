"""Debian's Chromium driven by Playwright (executable_path; never `playwright install`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A page in its own context; a page of ours that breaks the Content-Security-Policy
    (an inline script or style, eval, a resource from elsewhere) fails the test."""
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1080, "height": 1920})
    refused: list[str] = []
    context.on("console", lambda message: refused.append(message.text)
               if "Content Security Policy" in message.text else None)
    page = context.new_page()
    yield page
    context.close()
    assert not refused, "\n".join(refused)


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def accessibility_problems(page: Any, impacts: tuple[str, ...] = ("serious", "critical")
                           ) -> list[str]:
    """axe-core (npm) run in the page as it stands: the violations of `impacts`, each as
    "rule: what, where". Loaded through the browser's debugging protocol, so the page's
    Content-Security-Policy stays as strict as it is."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make installs it from npm)")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           where: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['where'])}"
            for v in found if v["impact"] in impacts]
