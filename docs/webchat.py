"""Regenerate docs/webchat.png, the README's picture of the web chat, from a real conversation.

`make screenshot` (or `.venv/bin/python docs/webchat.py [out.png]`) starts `pipegram up` with tiny models (set
PIPEGRAM_MODELS for others) in a temporary directory, with its own Redis and emulator on free ports, then plays
Alice in Debian's headless Chromium: a question (answered as it streams, where the bot streams), a photo (back
with boxes) and a voice note recorded from a spoken file (answered with its transcript). Everything it started
is stopped at the end, whatever happens.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from pipegram.ports import free_port  # noqa: E402
from tests.browser import FAKE_MICROPHONE, chromium  # noqa: E402
from tests.processes import descendants, kill_leftovers  # noqa: E402

QUESTION = "What can you do for me?"
SPOKEN = "Remind me to buy bread and milk on the way home."
WAIT_MS = 180_000  # tiny models answer in seconds; a busy machine and a cold start take longer


def start_pipegram(work: Path) -> tuple[subprocess.Popen, str, Path]:
    """`pipegram up` with tiny models and a private Redis; returns it, its web chat URL and its log."""
    port = free_port()
    env = {**os.environ, "PIPEGRAM_MODELS": os.environ.get("PIPEGRAM_MODELS", "tiny"),
           "PIPEGRAM_RUN_DIR": str(work / "run"), "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
           "PIPEGRAM_EMULATOR_PORT": str(port), "PIPEGRAM_METRICS_PORT": "0", "PIPEGRAM_WORKER_METRICS_PORT": "0"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    log = work / "up.log"
    with log.open("wb") as out:
        up = subprocess.Popen([sys.executable, "-m", "pipegram.cli", "up"], cwd=ROOT, env=env, stdout=out,
                              stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + WAIT_MS / 1000
    while "Ready." not in log.read_text():
        if up.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"pipegram up did not get ready:\n{log.read_text()}")
        time.sleep(0.5)
    return up, f"http://127.0.0.1:{port}/", log


def make_photo(path: Path) -> None:
    """A small outdoor scene, for the detector to box."""
    picture = Image.new("RGB", (360, 240), (135, 190, 235))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 165, 360, 240), fill=(90, 160, 70))
    draw.ellipse((278, 22, 330, 75), fill=(250, 210, 60))
    draw.rectangle((45, 112, 150, 188), fill=(170, 90, 60))  # a house
    draw.polygon([(38, 112), (98, 68), (158, 112)], fill=(120, 50, 40))
    draw.ellipse((210, 142, 262, 188), fill=(80, 70, 60))  # a dog, roughly
    picture.save(path)


def make_speech(path: Path) -> None:
    """A spoken sentence as WAV, which Chromium's fake microphone plays."""
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(path), SPOKEN], check=True)


def converse(url: str, photo: Path, speech: Path, out: Path) -> None:
    with chromium(*FAKE_MICROPHONE, f"--use-file-for-fake-audio-capture={speech}") as browser:
        page = browser.new_page(viewport={"width": 760, "height": 1060})
        page.goto(url)
        bot = page.locator(".msg.bot")

        page.set_input_files("#file", str(photo))
        bot.locator("img").first.wait_for(timeout=WAIT_MS)

        page.click("#record")
        page.wait_for_timeout(3500)
        page.click("#record")
        page.locator(".msg.user audio.voice").wait_for()
        page.locator(".msg.user:has(audio.voice) ~ .msg.bot").first.wait_for(timeout=WAIT_MS)

        page.fill("#text", QUESTION)
        page.click("button[type=submit]")
        answer = page.locator(".msg.user", has_text=QUESTION).locator("~ .msg.bot").first
        answer.wait_for(timeout=WAIT_MS)
        # A streamed answer grows: take the picture once it has stopped changing for a while.
        text, steady_since = "", time.monotonic()
        while time.monotonic() - steady_since < 3:
            if (now := answer.inner_text()) != text:
                text, steady_since = now, time.monotonic()
            page.wait_for_timeout(250)
        page.mouse.move(0, 0)  # no hover effects in the picture
        page.screenshot(path=str(out))


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "webchat.png"
    with tempfile.TemporaryDirectory(prefix="pipegram-screenshot-") as tmp:
        work = Path(tmp)
        make_photo(work / "photo.png")
        make_speech(work / "speech.wav")
        up, url, log = start_pipegram(work)
        try:
            converse(url, work / "photo.png", work / "speech.wav", out)
        except Exception:
            print(f"pipegram up's output:\n{log.read_text()}", file=sys.stderr)  # its logs go with the directory
            raise
        finally:
            tree = descendants(up.pid)
            os.killpg(up.pid, signal.SIGINT)
            try:
                up.wait(60)
            except subprocess.TimeoutExpired:
                up.kill()
                up.wait()
            kill_leftovers(tree)
    print(f"Wrote {out}")

if __name__ == "__main__":
    main()
