"""Demo data: a province with a few communes and wards, boards, and a playlist.

Seeding twice is harmless: the second time only refreshes the demo player's
token. The media are drawn here (Pillow, ffpyplayer), so nothing is fetched.
"""
import hashlib
import math
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlite_utils import Database

from layouts import DEFAULT_LAYOUT_ID
from manager import alerts, assets, boards, content, units
from manager.auth import create_api_token, create_user, principal_for
from manager.domain import content as dcontent
from manager.settings import Settings
from protocol.notice import Notice
from protocol.timebase import utcnow

PROVINCE = "15"  # Lào Cai: mountains, floods and landslides, boards that matter
DEMO_PASSWORD = "bangtin-demo"
TICKER = ("Bảng tin điện tử công cộng — Uỷ ban nhân dân xã thông báo: lịch tiêm chủng mở rộng thứ Bảy tuần này "
          "tại Trạm Y tế xã; người dân chủ động theo dõi bản tin thời tiết, phòng chống lũ quét và sạt lở đất.")


def _font(size: int):
    from fontpkg_be_vietnam_pro import ROOT
    from PIL import ImageFont

    return ImageFont.truetype(str(Path(ROOT) / "files" / "BeVietnamPro-Bold.ttf"), size)


def _poster(path: Path) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1280, 720), "#0f5132")
    draw = ImageDraw.Draw(img)
    for y in range(720):
        draw.line([(0, y), (1280, y)], fill=(15, 81 + y // 12, 50 + y // 10))
    draw.text((80, 200), "Chung tay phòng chống", font=_font(72), fill="#ffffff")
    draw.text((80, 300), "thiên tai mùa mưa lũ", font=_font(72), fill="#ffd400")
    draw.text((80, 470), "Uỷ ban nhân dân xã — Bảng tin điện tử", font=_font(36), fill="#e8f5e9")
    img.save(path, "JPEG", quality=88)


def _video(path: Path, seconds: int = 6) -> None:
    from ffpyplayer.pic import Image as FFImage
    from ffpyplayer.writer import MediaWriter

    w, h, fps = 640, 360, 25
    writer = MediaWriter(str(path), [{"pix_fmt_in": "rgb24", "pix_fmt_out": "yuv420p", "width_in": w, "height_in": h,
                                      "codec": "libx264", "frame_rate": (fps, 1)}])
    for n in range(seconds * fps):
        x = int((math.sin(n / fps * 2) + 1) / 2 * (w - 120))
        row = bytearray()
        for px in range(w):
            inside = x <= px < x + 120
            row += bytes((230, 57, 70) if inside else (20, 60 + px * 120 // w, 140))
        frame = bytes(row) * h
        writer.write_frame(img=FFImage(plane_buffers=[frame], pix_fmt="rgb24", size=(w, h)), pts=n / fps, stream=0)
    writer.close()


def _add_asset(db: Database, store: assets.AssetStore, path: Path, name: str) -> str:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    found = assets.probe(path, name, Settings().max_image_pixels)
    assets.record(db, sha, len(data), found, name, None, "vn-2025", PROVINCE)
    store.keep(path, sha)
    return sha


def seed(db: Database, db_path: Path, manager_url: str, player_data_dir: Path | None) -> str:
    """Seeds once; with `player_data_dir`, pairs a local player there ahead of time."""
    if not db.execute("SELECT 1 FROM units LIMIT 1").fetchone():
        units.import_current(db)
    with db.atomic():
        if not db.execute("SELECT 1 FROM users WHERE username = 'admin'").fetchone():
            _seed_content(db, db_path)
        board_id = db.execute("SELECT id FROM boards WHERE name = 'Bảng tin trung tâm (màn hình của bạn)'").fetchone()[0]
        token = boards.issue_token(db, board_id)
    if player_data_dir:
        from player.state import Identity, StateStore

        StateStore(player_data_dir).save_identity(Identity(board_id=board_id, token=token, manager=manager_url))
    return (f"demo ready: log in at {manager_url}/ as admin / {DEMO_PASSWORD} "
            f"(also editor, approver, auditor with the same password); demo board {board_id}")


def _seed_content(db: Database, db_path: Path) -> None:
    communes = list(db.query("SELECT * FROM units WHERE catalogue = 'vn-2025' AND province_code = ? AND kind = 'commune' ORDER BY code LIMIT 3", [PROVINCE]))
    wards = list(db.query("SELECT * FROM units WHERE catalogue = 'vn-2025' AND province_code = ? AND kind = 'ward' ORDER BY code LIMIT 2", [PROVINCE]))
    admin_id = create_user(db, "admin", DEMO_PASSWORD, "admin", display_name="Quản trị tỉnh")
    create_user(db, "editor", DEMO_PASSWORD, "editor", "vn-2025", PROVINCE, display_name="Biên tập viên tỉnh")
    create_user(db, "approver", DEMO_PASSWORD, "approver", "vn-2025", PROVINCE, display_name="Người duyệt tỉnh")
    create_user(db, "auditor", DEMO_PASSWORD, "auditor", "vn-2025", PROVINCE, display_name="Kiểm tra viên")
    admin = principal_for(db["users"].get(admin_id))
    create_api_token(db, admin_id, "demo")

    boards.create(db, name="Bảng tin trung tâm (màn hình của bạn)", unit_code=wards[0]["code"], board_class="large",
                         lat=22.485, lon=103.97)
    boards.create(db, name=f"Bảng tin {communes[0]['name']}", unit_code=communes[0]["code"], lat=22.33, lon=104.1)
    boards.create(db, name=f"Bảng tin {communes[1]['name']}", unit_code=communes[1]["code"], lat=22.6, lon=103.8,
                  operating_hours=[{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "06:00", "end": "22:00"}])
    boards.create(db, name=f"Màn hình LED {wards[1]['name']}", unit_code=wards[1]["code"], board_class="large",
                  width=768, height=384, layout="led-768x384")

    store = assets.AssetStore(Settings(db=db_path).assets_path)
    work = Path(tempfile.mkdtemp(dir=store.tmp))
    _poster(work / "poster.jpg")
    _video(work / "clip.mp4")
    poster = _add_asset(db, store, work / "poster.jpg", "Áp phích phòng chống thiên tai.jpg")
    clip = _add_asset(db, store, work / "clip.mp4", "Phim ngắn tuyên truyền.mp4")
    work.rmdir()

    playlist = dcontent.create_playlist(db, admin, content.PlaylistIn(name="Chương trình thường ngày", layout=DEFAULT_LAYOUT_ID, unit_code=PROVINCE, items=[
        content.ItemIn(zone="main", kind="image", asset=poster, duration_s=12),
        content.ItemIn(zone="main", kind="video", asset=clip, duration_s=6),
        content.ItemIn(zone="bulletin", kind="bulletin", title="Thông báo lịch tiếp công dân",
                       body="Chủ tịch Uỷ ban nhân dân xã tiếp công dân định kỳ vào sáng thứ Năm hằng tuần tại trụ sở. "
                            "Đề nghị người dân mang theo giấy tờ tuỳ thân và hồ sơ liên quan.", duration_s=20),
        content.ItemIn(zone="bulletin", kind="bulletin", title="Phòng chống sốt xuất huyết",
                       body="Diệt lăng quăng, bọ gậy; đậy kín dụng cụ chứa nước; ngủ màn kể cả ban ngày.", duration_s=20),
        content.ItemIn(zone="bulletin", kind="bulletin", duration_s=40, notice=Notice(
            issuer="ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI", number="Số: 25/TB-UBND", place_date="Lào Cai, ngày 01 tháng 12 năm 2026",
            summary="Về việc chủ động phòng, chống rét đậm, rét hại",
            body="1. Người dân che chắn chuồng trại, dự trữ thức ăn cho gia súc; không thả rông trâu, bò khi nhiệt độ dưới 10 độ C.\n"
                 "2. Không đốt than, củi để sưởi trong phòng kín.\n"
                 "3. Người cao tuổi, trẻ em giữ ấm cơ thể; khi có dấu hiệu bệnh đến ngay cơ sở y tế gần nhất.",
            signer_title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", signer_name="Nguyễn Văn Hải")),
        content.ItemIn(zone="ticker", kind="ticker", text=TICKER, duration_s=60),
    ]))
    schedule = dcontent.create_schedule(db, admin, content.ScheduleIn(
        playlist_id=playlist["id"], target=content.TargetIn(kind="unit", id=PROVINCE), is_default=True))
    dcontent.transition(db, admin, schedule["id"], "submit")
    # The demo's own programme: approved by the administrator who made it, with the reason the audit log keeps.
    dcontent.transition(db, admin, schedule["id"], "approve", "Dữ liệu trình diễn do máy tạo ra")
    alerts.create(db, level=2, headline="Bản tin thử nghiệm cảnh báo (cấp độ 2)",
                  body="Đây là bản tin thử nghiệm, chỉ hiện trên bảng tin thử nghiệm.", area={"units": [{"catalogue": "vn-2025", "code": PROVINCE}]},
                  starts_at=utcnow(), ends_at=utcnow() + timedelta(minutes=5), source="demo", test=True, principal=admin)
