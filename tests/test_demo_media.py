"""The demo's own video (static/media/demo.webm, made by scripts/make_demo_video.py): the demo programme's video
segment plays it, the app serves it as WebM, and it stays small enough to keep in the repository."""

from pathlib import Path

from eventapp.programme.yamlfile import read_programme
from tests.conftest import PROJECT_ROOT

DEMO_VIDEO = PROJECT_ROOT / "static" / "media" / "demo.webm"
EBML_MAGIC = b"\x1a\x45\xdf\xa3"  # the start of every Matroska/WebM file


def test_the_demo_programmes_video_segment_plays_the_demo_video(app):
    programme = read_programme(Path(PROJECT_ROOT / "config" / "demo_programme.yaml").read_text())
    videos = [segment.video for segment in programme.segments if segment.kind == "video"]
    assert videos == ["/static/media/demo.webm"]


def test_the_demo_video_is_a_small_webm_the_app_serves(client):
    with client.get("/static/media/demo.webm") as response:
        assert response.status_code == 200
        assert response.mimetype == "video/webm"
        assert response.data[:4] == EBML_MAGIC
        assert len(response.data) == DEMO_VIDEO.stat().st_size < 300 * 1024
