"""Takes the five documentation screenshots of a running Conduct (demo organisation loaded) as the officer.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots/after

writes docs/screenshots/after-dashboard.png, -gate-check.png, -suppliers.png, -case.png and -ledger.png:
a 1366 x 900 viewport (the top of the page), scaled to 50 % with Pillow and saved as palette PNGs (each well
under 120 KB). Uses Playwright with Debian's chromium, as the browser tests do. The officer's role owes a
second factor by default, so run the server with MFA_REQUIRED_ROLES=none (the script stops if the login is
held at the second-factor pages rather than photographing them).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
from pathlib import Path

import yaml
from PIL import Image
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1366, "height": 900}
PAGES = [
    ("dashboard", "/dashboard/"),
    ("gate-check", "/gates/try/"),
    ("suppliers", "/suppliers/"),
    ("case", None),  # the first case in the officers' case list
    ("ledger", "/audit/ledger/"),
]
MAX_BYTES = 120_000


def _password() -> str:
    return str(yaml.safe_load((REPO / "data/demo/organisation.yaml").read_text())["password"])


def _first_case(page: object) -> str:
    page.goto("/governance/cases/")  # type: ignore[attr-defined]
    hrefs = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "main a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    cases = [h for h in hrefs if re.fullmatch(r"/governance/cases/\d+/", h)]
    if not cases:
        raise SystemExit("no case is listed at /governance/cases/: is the demo organisation loaded?")
    return str(cases[0])


def _save(png: bytes, target: Path) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
    for colours in (256, 128, 64):
        buffer = io.BytesIO()
        image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
        if buffer.tell() <= MAX_BYTES:
            break
    target.write_bytes(buffer.getvalue())
    return buffer.tell()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="where Conduct runs, e.g. http://127.0.0.1:8000")
    parser.add_argument("prefix", help="output path prefix, e.g. docs/screenshots/after")
    parser.add_argument("--user", default="officer", help="demo login (default: officer)")
    args = parser.parse_args()
    prefix = Path(args.prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_context(viewport=VIEWPORT, base_url=args.base_url.rstrip("/")).new_page()
        page.goto("/login/")
        page.get_by_label("User name").fill(args.user)
        page.get_by_label("Password").fill(_password())
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        if "/login/" in page.url:
            print(f"screenshots: could not log in as {args.user}", file=sys.stderr)
            return 1
        page.goto("/dashboard/")
        if not page.url.endswith("/dashboard/"):
            print(
                f"screenshots: {args.user} is held at {page.url} (a second factor is owed): "
                "run the server with MFA_REQUIRED_ROLES=none",
                file=sys.stderr,
            )
            return 1
        for name, path in PAGES:
            page.goto(path or _first_case(page))
            page.wait_for_load_state("networkidle")
            target = Path(f"{prefix}-{name}.png")
            size = _save(page.screenshot(), target)
            print(f"{target} ({size // 1000} KB) <- {page.url}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
