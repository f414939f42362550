"""deploy/nginx.conf, run by Debian's nginx in front of a live manager.

The very file from deploy/ is used, with only its marked lines (ports, the
certificate, the manager's address, the cache directory) rewritten for a
temporary prefix. nginx runs as a plain subprocess (no daemon, no master) on
free loopback ports.
"""
import shutil
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from protocol.manifest import Manifest
from tests import processes
from tests.live_manager import ROOT, free_port
from tests.spine.media import png_bytes


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def _site(directory: Path, manager_port: int, http_port: int, https_port: int) -> str:
    cert, key = _certificate(directory)
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{manager_port};"),
        ("/var/cache/nginx/bangtin", str(directory / "cache")),
        ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/letsencrypt/live/bangtin.example.vn/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/bangtin.example.vn/privkey.pem", str(key)),
    ]:
        assert old in text, f"deploy/nginx.conf no longer has {old!r}: update this test with it"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """(manager, https base URL through nginx, the nginx directory, nginx's plain HTTP port)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "Debian's nginx is needed: scripts/setup.sh installs it"
    from tests.live_manager import LiveManager

    live = LiveManager(tmp_path_factory.mktemp("proxied")).start()
    prefix = tmp_path_factory.mktemp("nginx")
    http_port, https_port = free_port(), free_port()
    (prefix / "bangtin.conf").write_text(_site(prefix, live.port, http_port, https_port))
    temp = {name: prefix / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (prefix / "nginx.conf").write_text(f"""
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 512; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {temp['client_body']};
    proxy_temp_path {temp['proxy']};
    fastcgi_temp_path {temp['fastcgi']};
    uwsgi_temp_path {temp['uwsgi']};
    scgi_temp_path {temp['scgi']};
    include {prefix}/bangtin.conf;
}}
""")
    proc = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"https://localhost:{https_port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                requests.get(base + "/openapi.json", verify=str(prefix / "cert.pem"), timeout=2)
                break
            except requests.RequestException:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {(prefix / 'error.log').read_text()[-2000:]}") from None
                time.sleep(0.1)
        yield live, base, prefix, http_port
    finally:
        processes.stop(proc)
        live.stop()


def _through(prefix: Path, token: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # else REQUESTS_CA_BUNDLE, if set, wins over `verify`
    session.verify = str(prefix / "cert.pem")
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def test_plain_http_is_sent_to_https(proxied):
    *_, http_port = proxied
    r = requests.get(f"http://127.0.0.1:{http_port}/api/v1/boards", allow_redirects=False, timeout=5)
    assert r.status_code == 301 and r.headers["location"].startswith("https://")


def test_second_fetch_of_an_asset_never_reaches_the_manager(proxied):
    live, base, prefix, _ = proxied
    board, token = live.pair_board(name="Bảng sau proxy")
    picture = png_bytes((640, 360), (12, 90, 160))
    asset = live.upload(picture, "qua-proxy.png")
    live.publish([{"zone": "main", "kind": "image", "asset": asset["sha256"], "duration_s": 5}], target={"kind": "board", "id": board})
    via = _through(prefix, token)
    url = f"{base}/assets/{asset['sha256']}"
    first = via.get(url, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206 and first.content == picture[:100]
    assert first.headers["x-cache-status"] == "MISS"

    # Take the file away from the manager: from now on only a cached copy can answer.
    Path(f"{live.db_path}.assets", asset["sha256"][:2], asset["sha256"]).unlink()
    assert live.board_client(token).get(f"/assets/{asset['sha256']}").status_code == 404
    again = via.get(url)
    assert again.status_code == 200 and again.content == picture
    assert again.headers["x-cache-status"] == "HIT"
    tail = via.get(url, headers={"Range": f"bytes=100-{len(picture) - 1}"})
    assert tail.status_code == 206 and tail.content == picture[100:]


def test_long_poll_through_nginx_gets_the_alert(proxied):
    live, base, prefix, _ = proxied
    board, token = live.pair_board(name="Bảng chờ qua proxy")
    via = _through(prefix, token)
    etag = via.get(f"{base}/api/v1/boards/{board}/manifest").headers["etag"]
    answer = {}

    def poll():
        r = via.get(f"{base}/api/v1/boards/{board}/manifest", params={"wait": 30}, headers={"If-None-Match": etag}, timeout=40)
        answer["status"], answer["body"], answer["at"] = r.status_code, r.content, time.monotonic()

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(1.0)
    assert not answer, "held by the manager, through nginx"
    sent = time.monotonic()
    alert = live.emergency(4, "Triều cường", boards=[board])
    thread.join(35)
    assert answer["status"] == 200
    assert [a.id for a in Manifest.model_validate_json(answer["body"]).alerts] == [alert["id"]]
    assert answer["at"] - sent < 10, "answered on the alert, not at the end of the wait"
    live.admin.post(f"/api/v1/alerts/{alert['id']}/withdraw").raise_for_status()


def test_console_live_events_pass_unbuffered(proxied):
    """The console's server-sent events leave nginx as they are written, not when a buffer fills."""
    live, base, prefix, _ = proxied
    via = _through(prefix, live.admin_token)
    got: list[tuple[str, float]] = []

    def listen():
        with via.get(f"{base}/live/events", stream=True, timeout=30) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            for line in r.iter_lines(decode_unicode=True):
                if line.startswith("event:"):
                    got.append((line.split(":", 1)[1].strip(), time.monotonic()))
                if len(got) == 2:
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
    assert got and got[0][0] == "ready", "the first event arrives at once, not with a later buffer"
    changed = time.monotonic()
    live.admin.post("/api/v1/playlists", json={"name": "Qua proxy", "items": []}).raise_for_status()
    thread.join(10)
    assert [name for name, _ in got] == ["ready", "change"]
    assert got[1][1] - changed < 3, "the change is told within a second or two"
