"""HTTP with an overall deadline per call, not only a socket timeout.

A socket timeout bounds each wait for the next byte, so a server that
trickles a byte every few seconds holds a request forever. Here every call
runs inside `deadline(seconds)`: a timer shuts down the sockets the call
uses when the time is up, whatever phase it is in (headers or body), and
the call raises `DeadlineExceeded`. Sessions come from `session()`, whose
connections register their sockets with the deadline of the calling thread.
"""
import socket
import threading
from contextlib import contextmanager
from typing import Iterator

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CONNECT_S = 10.0  # the TCP (and TLS) handshake; the deadline takes over once a socket exists
READ_S = 20.0  # the longest silence between two bytes


class DeadlineExceeded(requests.Timeout):
    """The call as a whole took longer than its deadline."""


class _Watch:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.fired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.fired:
                self._socks.append(sock)
                return
        _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            socks, self._socks = self._socks, []
        for sock in socks:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # shutdown, not close: it wakes a thread blocked in recv on the same socket.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by its owner: nothing is waiting on it


_local = threading.local()


def _track(sock) -> None:
    watch = getattr(_local, "watch", None)
    if watch is not None and sock is not None:
        watch.add(sock)


class _Tracked:
    """Registers the connection's socket with the calling thread's deadline, new or reused."""

    def connect(self):
        super().connect()
        _track(self.sock)

    def request(self, *args, **kwargs):
        _track(self.sock)
        return super().request(*args, **kwargs)


class _HTTPConnection(_Tracked, HTTPConnection):
    pass


class _HTTPSConnection(_Tracked, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session() -> requests.Session:
    s = requests.Session()
    adapter = _Adapter()
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every request made by this thread inside the block ends within `seconds`."""
    watch = _Watch(seconds)
    previous = getattr(_local, "watch", None)
    _local.watch = watch
    watch._timer.start()
    try:
        yield
    except (requests.RequestException, OSError) as exc:
        if watch.fired:
            raise DeadlineExceeded(f"no complete answer within {seconds:.0f} s") from exc
        raise
    finally:
        watch._timer.cancel()
        _local.watch = previous
