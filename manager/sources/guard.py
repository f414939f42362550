"""Where the manager's outbound fetches may go: never inside its own network unless an admin says so.

A source's address, the documents a feed links to and every redirect on the
way are chosen by someone outside (a feed can list any link). Without a
guard, a feed could make the manager read its own admin pages, a cloud
metadata service or any service on the LAN, and show what it read. So
loopback, link-local, private, multicast, unspecified and reserved
addresses, and the manager itself, are refused, unless the host is on the
admin's allow-list (`--source-allow-hosts`, e.g. `cap.pctt.local,10.1.2.3:8080`;
a bare host allows every port of it except the manager's own).

The check is made on the address actually connected to, after DNS
resolution, inside the connection itself (`GuardedAdapter`): a name that
resolves to a public address when checked and to 127.0.0.1 when connected
(DNS rebinding) cannot slip through.
"""
import ipaddress
import socket
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util import connection


class Blocked(OSError):
    """An address the manager may not fetch from."""


def _host_port(entry: str) -> tuple[str, int | None]:
    entry = entry.strip().lower()
    if entry.startswith("["):  # [::1]:8080
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, int(port)
    return entry, None


def _ip(text: str):
    try:
        address = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _internal(address) -> bool:
    return (address.is_loopback or address.is_link_local or address.is_private or address.is_multicast
            or address.is_unspecified or address.is_reserved or not address.is_global)


class Guard:
    def __init__(self, allow: str | list[str] = "", own: list[tuple[str, int]] = ()):
        entries = allow.split(",") if isinstance(allow, str) else list(allow)
        self.allow = [_host_port(e) for e in entries if e.strip()]
        self.own_ports = {port for _, port in own if port}
        self.own_addresses = set()
        for host, port in own:
            for address in self._resolve_quietly(host, port):
                self.own_addresses.add(address)

    @staticmethod
    def _resolve_quietly(host: str, port: int) -> set:
        try:
            return {_ip(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        except (socket.gaierror, UnicodeError):
            return set()

    def _allow_listed(self, host: str, address, port: int) -> bool:
        for name, allowed_port in self.allow:
            if name in (host.lower(), str(address)) and (allowed_port == port or (allowed_port is None and not self._own(address, port))):
                return True
        return False

    def _own(self, address, port: int) -> bool:
        return port in self.own_ports and (address in self.own_addresses or address.is_loopback or address.is_unspecified)

    def why_refused(self, host: str, address, port: int) -> str | None:
        """None when the manager may connect to `address` (an IP address `host` resolved to)."""
        if self._allow_listed(host, address, port):
            return None
        if self._own(address, port):
            return "the manager itself"
        if _internal(address):
            return "an internal address"
        return None

    def addresses(self, host: str, port: int) -> list[tuple[int, str]]:
        """(family, address) the host resolves to, all of them permitted; Blocked otherwise."""
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        permitted, refused = [], None
        for family, _, _, _, sockaddr in infos:
            address = _ip(sockaddr[0])
            reason = self.why_refused(host, address, port)
            if reason:
                refused = reason
                continue
            permitted.append((family, sockaddr[0]))
        if refused:  # one internal address among public ones is still a way in: refuse the host
            raise Blocked(f"{host} resolves to {refused}")
        return permitted

    def check_url(self, url: str) -> None:
        """Before a request: Blocked for an address the manager may not fetch (the connection checks again)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Blocked(f"not an http(s) address: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            self.addresses(parts.hostname, port)
        except socket.gaierror:
            return  # the request itself reports the name that does not resolve


def _guarded(base: type, guard: Guard) -> type:
    class Guarded(base):
        def _new_conn(self):
            try:
                permitted = guard.addresses(self._dns_host, self.port)
            except (Blocked, socket.gaierror) as exc:
                raise NewConnectionError(self, f"refused: {exc}") from exc
            last: OSError | None = None
            for _, address in permitted:
                try:
                    # An address literal: no second DNS answer can differ from the one checked.
                    return connection.create_connection((address, self.port), self.timeout, source_address=self.source_address,
                                                        socket_options=self.socket_options)
                except OSError as exc:
                    last = exc
            raise NewConnectionError(self, f"cannot connect: {last}")
    return Guarded


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every connection goes through `guard`."""

    def __init__(self, guard: Guard, **kwargs):
        self.guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        http_pool = type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": _guarded(HTTPConnection, self.guard)})
        https_pool = type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": _guarded(HTTPSConnection, self.guard)})
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}
