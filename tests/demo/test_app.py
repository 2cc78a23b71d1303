"""``easyocr-ko demo`` in a real browser: headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven by
Selenium against the demo served by the command itself on a free port of 127.0.0.1.  An uploaded road sign shows
서울, a stroke drawn on the pad gets a reading, and bad uploads (0 bytes, not an image, too large) get a message on
the page, never a traceback, while the server goes on serving.

Skipped only where Chromium (or Selenium, or Gradio) is missing and ``EASYOCR_KO_REQUIRE_BROWSER`` is unset;
``.ci/run`` installs Chromium and sets it, so there a missing browser fails.  ``EASYOCR_KO_DEMO_SCREENSHOT=PATH``
saves the page after the upload (README's ``docs/demo.png``)."""
from __future__ import annotations

import importlib.util
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PHOTO = REPO / "tests" / "data" / "easyocr_korean.png"  # EasyOCR's road-sign example; the bundled model reads 서울
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
REQUIRE_ENV = "EASYOCR_KO_REQUIRE_BROWSER"
SCREENSHOT_ENV = "EASYOCR_KO_DEMO_SCREENSHOT"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,1400"]
MAX_UPLOAD_MB = 1  # small, so that the too-large upload is small too
HANGUL_FONT_LOADED = ("return [...document.fonts].some(f => f.family.includes('easyocr-ko-hangul') "
                      "&& f.status === 'loaded')")
START_S, READ_S = 300, 120  # generous bounds for a loaded 2-core machine; typically ~30 s and ~10 s


def _missing() -> list[str]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    return missing + [m for m in ("selenium", "gradio") if importlib.util.find_spec(m) is None]


if _missing():
    if os.environ.get(REQUIRE_ENV, "").strip() in ("", "0"):
        pytest.skip(f"the browser test needs {', '.join(_missing())} (set {REQUIRE_ENV}=1 to fail instead)",
                    allow_module_level=True)
    raise RuntimeError(f"{REQUIRE_ENV} is set but {', '.join(_missing())} missing: apt-get install chromium "
                       "chromium-driver; pip install -e '.[dev]'")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``easyocr-ko demo`` on a free port of 127.0.0.1; yields its URL."""
    port = _free_port()
    log = tmp_path_factory.mktemp("demo") / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "easyocr_ko", "demo", "--port", str(port), "--max-upload-mb",
                                 str(MAX_UPLOAD_MB)], stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_S
        while not _answers(url):
            assert proc.poll() is None, f"the demo server stopped:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the demo server did not answer in {START_S} s:\n{log.read_text()}"
            time.sleep(1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Debian Chromium with a fresh profile, no network services, no sandbox (CI runs as root)."""
    profile = tempfile.mkdtemp(prefix="easyocr-ko-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _open(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    _wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#photo-upload input[type=file]"), 60, "the page")


def _wait(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} did not appear in {seconds} s")


def _upload(driver: webdriver.Chrome, url: str, path: Path) -> str:
    """Upload ``path`` on a freshly loaded page; the text shown under the photo once it is read."""
    _open(driver, url)
    driver.find_element(By.CSS_SELECTOR, "#photo-upload input[type=file]").send_keys(str(path))
    return str(_wait(lambda: driver.find_element(By.ID, "photo-result").text.strip(), READ_S, "a photo result"))


def test_bad_uploads_get_a_message_and_the_server_goes_on(server: str, browser: webdriver.Chrome,
                                                         tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not an image\n" * 10)
    assert "empty (0 bytes)" in _upload(browser, server, tmp_path / "empty.png")
    assert "not an image" in _upload(browser, server, tmp_path / "notes.txt")
    assert "Traceback" not in browser.page_source
    assert _answers(server)


def test_a_too_large_upload_is_refused_with_a_message(server: str, browser: webdriver.Chrome, tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(PHOTO.read_bytes() + bytes(int(MAX_UPLOAD_MB * 1e6)))
    _open(browser, server)
    browser.find_element(By.CSS_SELECTOR, "#photo-upload input[type=file]").send_keys(str(big))
    message = _wait(lambda: _page_text(browser, "exceed the maximum allowed size", "over the limit"), READ_S,
                    "a too-large message")
    assert "Traceback" not in message
    assert _answers(server)


def _page_text(driver: webdriver.Chrome, *needles: str) -> str:
    text = driver.find_element(By.TAG_NAME, "body").text
    return text if any(n.lower() in text.lower() for n in needles) else ""


def test_an_uploaded_photo_shows_its_texts(server: str, browser: webdriver.Chrome) -> None:
    shown = _upload(browser, server, PHOTO)
    assert "서울" in shown
    assert "box(es)" in shown
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#photo-boxes img"), 30, "the photo with its boxes")
    # Hangul shows in any browser, Korean system font or not: the page serves a shipped font (offline)
    _wait(lambda: browser.execute_script(HANGUL_FONT_LOADED), 30, "the page's Hangul font")
    if os.environ.get(SCREENSHOT_ENV):
        time.sleep(1)  # let the image finish drawing
        browser.save_screenshot(os.environ[SCREENSHOT_ENV])


def _stroke(actions: ActionChains, canvas: WebElement, points: list[tuple[float, float]]) -> None:
    """One pen stroke through ``points`` (fractions of the canvas size from its centre)."""
    width, height = canvas.size["width"], canvas.size["height"]
    (x, y), rest = points[0], points[1:]
    actions.move_to_element_with_offset(canvas, int(x * width), int(y * height)).click_and_hold()
    for x, y in rest:
        actions.move_to_element_with_offset(canvas, int(x * width), int(y * height))
    actions.release()


def test_a_word_drawn_on_the_pad_is_read(server: str, browser: webdriver.Chrome) -> None:
    _open(browser, server)
    browser.find_element(By.CSS_SELECTOR, "#drawing-pad button[aria-label='Brush']").click()
    canvas = next(c for c in browser.find_elements(By.CSS_SELECTOR, "#drawing-pad canvas") if c.is_displayed())
    actions = ActionChains(browser, duration=0)  # few pointer events: each one redraws the canvas (software GL)
    circle = [(-0.06 + 0.06 * math.cos(2 * math.pi * k / 8), 0.2 * math.sin(2 * math.pi * k / 8))
              for k in range(9)]  # 이: ㅇ then ㅣ
    _stroke(actions, canvas, circle)
    _stroke(actions, canvas, [(0.04, -0.3), (0.04, 0.3)])
    actions.perform()
    browser.find_element(By.ID, "read-drawing").click()
    reading = _wait(lambda: browser.find_element(By.ID, "pad-result").text.strip(), READ_S, "a reading")
    assert reading.startswith("Reading:"), reading
    assert "confidence" in reading
