"""systemd notifications over $NOTIFY_SOCKET, sent from the render loop.

`WATCHDOG=1` is sent from a Kivy Clock callback, so it stops when the main
loop freezes (not only when the process dies) and systemd restarts the player.
"""
import os
import socket


class Notifier:
    def __init__(self, environ: dict[str, str] | None = None):
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        self.address = "\0" + address[1:] if address.startswith("@") else address
        usec = env.get("WATCHDOG_USEC", "")
        self.watchdog_s = int(usec) / 1e6 if usec.isdigit() else None
        self._sock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def interval(self) -> float | None:
        """How often to send WATCHDOG=1: a third of systemd's timeout."""
        return self.watchdog_s / 3 if self.watchdog_s else None

    def send(self, message: str) -> bool:
        if not self.enabled:
            return False
        if self._sock is None:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.setblocking(False)
        try:
            self._sock.sendto(message.encode(), self.address)
            return True
        except OSError:
            return False

    def ready(self) -> bool:
        return self.send("READY=1")

    def ping(self, *args) -> bool:
        return self.send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={text}")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
