"""Screenshots of trainer pages (the class report, a feedback page) in headless Chromium.

    python3 workbook.py run python scripts/screenshots.py OUT_DIR trainer-output/class-report.html \
        feedback/ana/07-measuring-satisfaction/07-measuring-satisfaction.html

Writes one full-page PNG per HTML file into OUT_DIR (named after the file and its folder), so a
person can look at what a trainer or a learner will see. Uses Debian's `chromium` through
Playwright's Python package; nothing is downloaded. `tests/test_trainer_day.py` calls it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def shoot(pages: list[Path], out_dir: Path, width: int = 1200) -> list[Path]:
    """One full-page screenshot per HTML file; returns the PNG files."""
    from playwright.sync_api import sync_playwright

    exe = chromium()
    if exe is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for html in pages:
                html = Path(html).resolve()
                if not html.is_file():
                    raise SystemExit(f"{html}: no such file")
                page.goto(html.as_uri())
                page.wait_for_load_state("load")
                target = out_dir / f"{html.parent.parent.name}-{html.stem}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
        finally:
            browser.close()
    return written


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for path in shoot([Path(a) for a in argv[1:]], Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
