"""Make static/media/demo.webm, the demo programme's video segment: a six-second title card with the event's name on
a slowly moving gradient, drawn frame by frame on a canvas in headless Chromium and encoded to VP9 WebM by ffmpeg.
Nothing in it is anyone else's work (no footage, music, logo or font file is embedded; the text is rendered with the
system's sans-serif font), so the file is free of rights.

Run once, by hand, when the card should change (the file is committed; the app never runs this):
    python3 -m venv /tmp/ffvenv && /tmp/ffvenv/bin/pip install imageio-ffmpeg
    .venv/bin/python scripts/make_demo_video.py --ffmpeg "$(/tmp/ffvenv/bin/python -c \
        'import imageio_ffmpeg; print(imageio_ffmpeg.get_ffmpeg_exe())')"
"""

import argparse
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUT = PROJECT_ROOT / "static" / "media" / "demo.webm"
CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT, FPS, SECONDS = 1280, 720, 25, 6

CARD = """<!doctype html><html><body style="margin:0;background:#000">
<canvas id="c" width="%(w)d" height="%(h)d"></canvas>
<script>
const c = document.getElementById('c'), g = c.getContext('2d'), W = c.width, H = c.height, T = %(seconds)d;
const ease = x => x <= 0 ? 0 : x >= 1 ? 1 : 1 - Math.pow(1 - x, 3);
function text(s, x, y, size, weight, colour, alpha, spacing) {
  g.globalAlpha = alpha; g.fillStyle = colour; g.font = weight + ' ' + size + 'px sans-serif';
  if (spacing) { g.letterSpacing = spacing + 'px'; } else { g.letterSpacing = '0px'; }
  g.fillText(s, x, y); g.globalAlpha = 1;
}
window.draw = t => {
  // The background: the app's navy to blue to teal, turning slowly.
  const a = t / T * Math.PI * 0.5, cx = W / 2, cy = H / 2, r = Math.hypot(W, H) / 2;
  const dx = Math.cos(a) * r, dy = Math.sin(a) * r, bg = g.createLinearGradient(cx - dx, cy - dy, cx + dx, cy + dy);
  bg.addColorStop(0, '#0b1726'); bg.addColorStop(0.45, '#10284a');
  bg.addColorStop(0.8, '#1f4e8c'); bg.addColorStop(1, '#2a9d8f');
  g.fillStyle = bg; g.fillRect(0, 0, W, H);
  // Soft light drifting across.
  const lx = W * (0.2 + 0.6 * t / T), light = g.createRadialGradient(lx, H * 0.35, 0, lx, H * 0.35, W * 0.5);
  light.addColorStop(0, 'rgba(255,255,255,0.10)'); light.addColorStop(1, 'rgba(255,255,255,0)');
  g.fillStyle = light; g.fillRect(0, 0, W, H);
  const x = 96, rise = k => 24 * (1 - ease(k));
  const k1 = (t - 0.2) / 0.8, k2 = (t - 0.6) / 0.9, k3 = (t - 1.2) / 0.9;
  text('VIDEOBOODSCHAP', x, 250 + rise(k1), 28, '700', '#8ecae6', ease(k1), 6);
  text('Landelijke bijeenkomst', x, 340 + rise(k2), 64, '800', '#ffffff', ease(k2));
  text('Perspectief op Werk', x, 420 + rise(k2), 64, '800', '#ffffff', ease(k2));
  text('1 november 2021 · Den Haag · Enschede · Eindhoven · online', x, 490 + rise(k3), 28, '500', '#dbe7f3', ease(k3));
  text('Demovideo van de app: hier komt de echte videoboodschap', x, H - 64, 22, '500', '#b9c8d8', ease(k3));
  // The running time, as a thin line along the foot.
  g.fillStyle = 'rgba(255,255,255,0.18)'; g.fillRect(0, H - 8, W, 8);
  g.fillStyle = '#ffc21a'; g.fillRect(0, H - 8, W * t / T, 8);
};
</script></body></html>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ffmpeg", required=True, help="an ffmpeg with libvpx-vp9 (imageio-ffmpeg's will do)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as frames, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.set_content(CARD % {"w": WIDTH, "h": HEIGHT, "seconds": SECONDS})
        canvas = page.locator("#c")
        for frame in range(FPS * SECONDS):
            page.evaluate("t => draw(t)", frame / FPS)
            canvas.screenshot(path=f"{frames}/{frame:04d}.png")
        browser.close()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([args.ffmpeg, "-y", "-loglevel", "error", "-framerate", str(FPS), "-i", f"{frames}/%04d.png",
                        "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "42", "-row-mt", "1", "-pix_fmt", "yuv420p",
                        "-an", str(args.out)], check=True)
    print(f"{args.out}: {args.out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
