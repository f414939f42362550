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
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

import requests

from manager.cap import CapAlert, CapError

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


class Fetcher:
    """HTTP GET with a timeout and a size limit; every failure is a SourceError."""

    def __init__(self, max_bytes: int = 5_000_000):
        self.max_bytes = max_bytes
        self._local = threading.local()  # requests sessions are not shared between threads
        self._sessions: list[requests.Session] = []

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            self._sessions.append(session)
        return session

    def get(self, url: str, timeout_s: float, headers: dict | None = None) -> bytes:
        # requests' timeout bounds each socket wait; the deadline bounds the whole answer (a server trickling bytes).
        deadline = time.monotonic() + 3 * timeout_s
        try:
            with self.session.get(url, timeout=timeout_s, headers=headers or {}, stream=True) as response:
                if response.status_code >= 400:
                    raise SourceError(f"Nguồn trả lỗi HTTP {response.status_code}: {url}", f"source answered HTTP {response.status_code}: {url}")
                chunks, size = [], 0
                for chunk in response.iter_content(65536):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise SourceError(f"Dữ liệu từ nguồn quá lớn (> {self.max_bytes} byte): {url}", f"source sent more than {self.max_bytes} bytes: {url}")
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise SourceError(f"Nguồn trả dữ liệu quá chậm (> {3 * timeout_s:g} s): {url}", f"source too slow (over {3 * timeout_s:g} s): {url}")
                return b"".join(chunks)
        except requests.Timeout as exc:
            raise SourceError(f"Hết thời gian chờ ({timeout_s:g} s) khi đọc {url}", f"timed out after {timeout_s:g} s reading {url}") from exc
        except requests.RequestException as exc:
            raise SourceError(f"Không kết nối được nguồn {url}: {exc}", f"cannot reach {url}: {exc}") from exc

    def close(self) -> None:
        for session in self._sessions:
            session.close()


class Adapter(Protocol):
    name: ClassVar[str]

    def fetch(self, http: Fetcher, source: SourceConfig) -> list[InboundItem]:
        """Everything the source currently offers; the inbox drops what it has seen. Raise SourceError when unreadable."""
        ...
