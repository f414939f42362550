"""What an adapter is: a module with a `fetch` that turns a source's address into items.

To add a province's own interface, write one module with a class like

    class MyAdapter:
        name = "my-province"
        def fetch(self, http: Fetcher, source: SourceConfig) -> list[InboundItem]: ...

and register it (one line in `registry.BUILTIN`, or an entry point in the
group `bangtin.source_adapters` of your own package). Adapters do no
database work and hold no state between calls; what the inbox already holds
reaches them as `source.seen_links`.
"""
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol
from urllib.parse import urljoin

import requests

from manager.cap import CapAlert, CapError
from manager.sources.guard import Blocked, Guard, GuardedAdapter

log = logging.getLogger("bangtin.manager.sources")

USER_AGENT = "bangtin-manager (+https://github.com/bangtin)"


class SourceError(Exception):
    """A source that could not be read this time (timeout, HTTP error, unreadable feed)."""

    def __init__(self, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True)
class SourceConfig:
    id: int
    name: str
    adapter: str
    url: str
    config: dict = field(default_factory=dict)
    timeout_s: float = 10.0
    # Addresses of linked messages already in the inbox: a feed lists the same messages poll after
    # poll, and fetching each again every minute would hammer the source.
    seen_links: frozenset[str] = frozenset()
    # time.monotonic() by which the whole poll, linked documents included, must be over.
    deadline: float | None = None


@dataclass
class InboundItem:
    """One thing a source offers. `kind` is 'cap' (an emergency message) or 'news'."""

    external_id: str
    kind: str
    title: str = ""
    body: str = ""
    link: str | None = None
    published_at: datetime | None = None
    cap: CapAlert | None = None
    cap_xml: str | None = None  # the message as received, kept for audit and re-mapping on accept
    error: CapError | None = None  # an item read only far enough to refuse it
    # A body that is not an alert at all (an HTML page, a JSON answer, an internal service's secrets)
    # is never kept or shown whole: only its type, size and SHA-256.
    document: dict | None = None


MAX_REDIRECTS = 5


@dataclass
class Fetched:
    body: bytes
    content_type: str
    url: str  # after redirects


class Fetcher:
    """HTTP GET through the outbound `Guard`, with a timeout, a deadline and a size limit.

    Every failure is a SourceError whose text says "không kết nối được" and the address, never the
    system's own error ("Connection refused" would tell a feed's author which internal ports are
    open); the detail goes to the log. Redirects are followed by hand, each one checked again.
    """

    def __init__(self, max_bytes: int = 5_000_000, guard: Guard | None = None):
        self.max_bytes = max_bytes
        self.guard = guard or Guard()

    def _session(self) -> requests.Session:
        """One per fetch: polls are minutes apart and run on threads of their own, so nothing is
        gained by keeping connections, and a session shared between threads is not safe."""
        session = requests.Session()
        session.trust_env = False  # a proxy from the environment would connect where the guard never looked
        session.headers["User-Agent"] = USER_AGENT
        adapter = GuardedAdapter(self.guard)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def get(self, url: str, timeout_s: float, headers: dict | None = None, deadline: float | None = None) -> bytes:
        return self.fetch(url, timeout_s, headers, deadline).body

    def fetch(self, url: str, timeout_s: float, headers: dict | None = None, deadline: float | None = None) -> Fetched:
        """`timeout_s` bounds each network wait; `deadline` (time.monotonic(); default three times
        the timeout from now) the whole answer, redirects and a server trickling bytes included."""
        deadline = deadline if deadline is not None else time.monotonic() + 3 * timeout_s
        with self._session() as session:
            return self._fetch(session, url, timeout_s, headers, deadline)

    def _fetch(self, session: requests.Session, url: str, timeout_s: float, headers: dict | None, deadline: float) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _unreachable(url, f"deadline passed before reading {url}")
            try:
                self.guard.check_url(url)
            except Blocked as exc:
                raise SourceError(f"Không kết nối được {url}: địa chỉ trong mạng nội bộ hoặc của chính máy chủ quản lý không được phép "
                                  "(quản trị viên có thể cho phép bằng --source-allow-hosts)",
                                  f"cannot reach {url}: internal or the manager's own address, not allowed "
                                  "(an admin may allow it with --source-allow-hosts)") from exc
            wait = min(timeout_s, remaining)
            try:
                with session.get(url, timeout=wait, headers=headers or {}, stream=True, allow_redirects=False) as response:
                    if response.is_redirect and response.headers.get("location"):
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise SourceError(f"Nguồn trả lỗi HTTP {response.status_code}: {url}", f"source answered HTTP {response.status_code}: {url}")
                    chunks, size = [], 0
                    for chunk in response.iter_content(65536):
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise SourceError(f"Dữ liệu từ nguồn quá lớn (> {self.max_bytes} byte): {url}", f"source sent more than {self.max_bytes} bytes: {url}")
                        chunks.append(chunk)
                        if time.monotonic() > deadline:
                            raise _unreachable(url, f"too slow reading {url}")
                    return Fetched(b"".join(chunks), response.headers.get("content-type", ""), url)
            except requests.RequestException as exc:
                raise _unreachable(url, f"{type(exc).__name__} reading {url}: {exc}") from exc
        raise SourceError(f"Không kết nối được {url}: quá {MAX_REDIRECTS} lần chuyển hướng", f"cannot reach {url}: more than {MAX_REDIRECTS} redirects")

    def close(self) -> None:
        """Nothing is kept between fetches; here for callers that close what they open."""


def _unreachable(url: str, detail: str) -> SourceError:
    log.info("source fetch failed: %s", detail)
    return SourceError(f"Không kết nối được {url}", f"cannot reach {url}")


class Adapter(Protocol):
    name: ClassVar[str]

    def fetch(self, http: Fetcher, source: SourceConfig) -> list[InboundItem]:
        """Everything the source currently offers; the inbox drops what it has seen. Raise SourceError when unreadable."""
        ...
