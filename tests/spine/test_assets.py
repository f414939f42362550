"""Uploads are judged by content; served immutable, with ETag and Range."""
import hashlib

import unicodedata

import requests

from tests.spine.media import jpeg_bytes, png_bytes


def _stored_files(manager):
    root = manager.db_path.with_name(manager.db_path.name + ".assets")
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_upload_and_serve_with_range_resume(manager):
    data = jpeg_bytes((640, 360))
    asset = manager.upload(data, "áp phích.jpg")
    sha = hashlib.sha256(data).hexdigest()
    assert asset["sha256"] == sha and asset["kind"] == "image" and (asset["width"], asset["height"]) == (640, 360)
    again = manager.upload(data, "lần hai.jpg")
    assert again["sha256"] == sha, "the same content is stored once"

    url = f"{manager.base_url}/assets/{sha}"
    full = requests.get(url)
    assert full.content == data
    assert "immutable" in full.headers["cache-control"] and full.headers["etag"] == f'"{sha}"'
    assert full.headers["content-type"] == "image/jpeg"
    assert requests.get(url, headers={"If-None-Match": f'"{sha}"'}).status_code == 304

    # A download cut after 1,000 bytes resumes from there.
    with requests.get(url, stream=True) as r:
        head = next(r.iter_content(1000))[:1000]
    rest = requests.get(url, headers={"Range": f"bytes={len(head)}-"})
    assert rest.status_code == 206
    assert rest.headers["content-range"] == f"bytes {len(head)}-{len(data) - 1}/{len(data)}"
    assert hashlib.sha256(head + rest.content).hexdigest() == sha


def test_corrupt_image_refused_and_nothing_stored(manager):
    before = _stored_files(manager)
    broken = png_bytes()[:200]  # a PNG cut short
    r = manager.admin.post("/api/v1/assets", params={"filename": "hong.png"}, data=broken)
    assert r.status_code == 422
    assert "hỏng" in r.json()["message"]
    assert _stored_files(manager) == before


def test_png_renamed_mp4_refused(manager):
    r = manager.admin.post("/api/v1/assets", params={"filename": "phim.mp4"}, data=png_bytes())
    assert r.status_code == 415
    assert "ảnh PNG" in r.json()["message"] and ".mp4" in r.json()["message"]


def test_unsupported_types_refused(manager):
    for name, data in [("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'),
                       ("trang.html", b"<html><script>alert(1)</script></html>"),
                       ("chay.exe", b"MZ\x90\x00" + b"\x00" * 100),
                       ("tep.bin", b"\x7fELF" + b"\x00" * 100)]:
        r = manager.admin.post("/api/v1/assets", params={"filename": name}, data=data)
        assert r.status_code == 415, name
        assert "không được hỗ trợ" in r.json()["message"]


def test_hostile_filename_is_only_a_label(manager):
    asset = manager.upload(png_bytes(colour=(1, 2, 3)), "../../etc/passwd\x00\u202e.png")
    assert asset["original_name"] == "passwd.png", "folders and control characters are dropped"
    assert requests.get(f"{manager.base_url}/assets/..%2F..%2Fetc%2Fpasswd").status_code == 404
    # A long name, as a phone or Word writes it (Vietnamese, decomposed): shortened, in NFC, keeping its type.
    long = unicodedata.normalize("NFD", " ".join(["Thông báo về việc tiêm chủng mở rộng của Ủy ban nhân dân xã"] * 6) + ".png")
    asset = manager.upload(png_bytes(colour=(4, 5, 6)), long)
    name = asset["original_name"]
    assert len(name) == 200 and unicodedata.is_normalized("NFC", name) and name.endswith(".png"), name
    assert name.startswith(unicodedata.normalize("NFC", long)[:150])


def _write_video(path, fmt: str, codec: str):
    from ffpyplayer.pic import Image
    from ffpyplayer.writer import MediaWriter

    writer = MediaWriter(str(path), [{"pix_fmt_in": "rgb24", "pix_fmt_out": "yuv420p", "width_in": 64, "height_in": 48,
                                      "codec": codec, "frame_rate": (25, 1)}], fmt=fmt)
    for n in range(50):
        writer.write_frame(img=Image(plane_buffers=[bytes([n * 5 % 256]) * 64 * 48 * 3], pix_fmt="rgb24", size=(64, 48)), pts=n / 25, stream=0)
    writer.close()
    return path


def test_video_probed(manager, tmp_path):
    path = _write_video(tmp_path / "clip.mp4", "mp4", "libx264")
    asset = manager.upload(path.read_bytes(), "clip.mp4")
    assert asset["kind"] == "video" and (asset["width"], asset["height"]) == (64, 48)
    assert 1.5 <= asset["duration_s"] <= 2.5
    truncated = manager.admin.post("/api/v1/assets", params={"filename": "cut.mp4"}, data=path.read_bytes()[:40])
    assert truncated.status_code == 422


def test_older_containers_and_phone_photos(manager, tmp_path):
    # What a commune's old camera or a recorded broadcast gives: the boards play these through ffmpeg too.
    for name, fmt, codec in [("camera.avi", "avi", "mpeg4"), ("ban-tin.ts", "mpegts", "libx264")]:
        asset = manager.upload(_write_video(tmp_path / name, fmt, codec).read_bytes(), name)
        assert asset["kind"] == "video" and (asset["width"], asset["height"]) == (64, 48), name
    before = _stored_files(manager)
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    r = manager.admin.post("/api/v1/assets", params={"filename": "IMG_0412.HEIC"}, data=heic)
    assert r.status_code == 415 and "HEIC" in r.json()["message"] and "JPEG" in r.json()["message"]
    r = manager.admin.post("/api/v1/assets", params={"filename": "trong.jpg"}, data=b"")
    assert r.status_code == 422 and "rỗng" in r.json()["message"]
    assert _stored_files(manager) == before


def test_too_large_refused_before_and_while_reading(manager_factory):
    small = manager_factory(extra_args=["--max-upload-mb", "1"])
    declared = small.admin.post("/api/v1/assets", params={"filename": "big.jpg"}, data=b"\xff" * (2 * 1024 * 1024))
    assert declared.status_code == 413 and "tối đa 1 MB" in declared.json()["message"]

    def chunks():  # no Content-Length: the limit is enforced while streaming
        for _ in range(3):
            yield b"\xff\xd8\xff" + b"\x00" * (512 * 1024)

    streamed = small.admin.post("/api/v1/assets", params={"filename": "big.jpg"}, data=chunks())
    assert streamed.status_code == 413
    root = small.db_path.with_name(small.db_path.name + ".assets")
    assert [p for p in root.rglob("*") if p.is_file()] == []


def test_decompression_bomb_refused(manager_factory):
    small = manager_factory(extra_args=["--max-image-pixels", "10000"])
    r = small.admin.post("/api/v1/assets", params={"filename": "bomb.png"}, data=png_bytes((200, 200)))
    assert r.status_code == 413 and "quá lớn" in r.json()["message"]
