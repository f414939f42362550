"""Video through ffpyplayer: a reader thread decodes, the main thread uploads frames.

Muted items open no audio stream at all (`an`), so a board without a sound
card plays video just the same.
"""
import logging
import threading
import time
from pathlib import Path
from typing import Callable

from ffpyplayer.player import MediaPlayer
from kivy.clock import Clock
from kivy.graphics.texture import Texture

log = logging.getLogger(__name__)


class VideoStream:
    """One playing video. `on_frame(texture)` on the main thread for each new frame."""

    def __init__(self, path: Path, *, muted: bool, loop: bool,
                 on_frame: Callable[[Texture], None], on_eof: Callable[[], None],
                 on_error: Callable[[str], None], box: tuple[int, int] | None = None, cover: bool = False,
                 last_frame: tuple[float, float] | None = None):
        self.path = path
        # A looping animation's last frame (start, length in s): ffmpeg hands it out with no time of its
        # own (the next frame's time is the loop's start), so it would never be seen.
        self.last_frame = last_frame
        self.box = box  # the zone's size: larger frames are scaled down by the decoder, not the GPU
        self.cover = cover
        self.on_frame, self.on_eof, self.on_error = on_frame, on_eof, on_error
        self.texture: Texture | None = None
        self.frames_shown = 0
        self.frames_decoded = 0
        self._frame = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._upload = Clock.create_trigger(self._upload_frame, -1)
        opts = {"an": muted, "sn": True, "out_fmt": "rgba", "loop": 0 if loop else 1, "sync": "video" if muted else "audio"}
        self._thread = threading.Thread(target=self._run, args=(str(path), opts), name="video", daemon=True)
        self._thread.start()

    def _run(self, path: str, opts: dict) -> None:
        try:
            player = MediaPlayer(path, ff_opts=opts, loglevel="error")
        except Exception as exc:  # ffpyplayer raises plain Exception for unreadable files
            message = f"cannot open video: {exc}"  # `exc` is unbound once the except block ends
            Clock.schedule_once(lambda dt: self.on_error(message))
            return
        started = time.monotonic()
        try:
            while not self._stop.is_set():
                frame, val = player.get_frame()
                if val == "eof":
                    if self.frames_decoded == 0:
                        Clock.schedule_once(lambda dt: self.on_error("video has no decodable frames"))
                    else:
                        Clock.schedule_once(lambda dt: self.on_eof())
                    return
                if frame is None:
                    if self.frames_decoded == 0 and time.monotonic() - started > 10:
                        Clock.schedule_once(lambda dt: self.on_error("video produced no frame in 10 s"))
                        return
                    self._stop.wait(0.005)
                    continue
                if self.frames_decoded == 0 and self.box:
                    self._shrink(player, frame[0].get_size())
                with self._lock:
                    self._frame = frame[0]
                self.frames_decoded += 1
                self._upload()
                if self.last_frame and abs(frame[1] - self.last_frame[0]) < 0.01 and val < self.last_frame[1]:
                    val = self.last_frame[1]
                if val > 0:
                    # The whole wait: asked again early, ffpyplayer hands out the next frame early, and a
                    # slide-show video at 1 frame/s would race through. stop() still ends the wait at once.
                    self._stop.wait(val)
        finally:
            player.close_player()

    def _shrink(self, player: MediaPlayer, size: tuple[int, int]) -> None:
        (sw, sh), (bw, bh) = size, self.box
        scale = (max if self.cover else min)(bw / sw, bh / sh)
        if scale < 0.9:  # only ever smaller: upscaling is better left to the GPU
            player.set_size(max(2, int(sw * scale) // 2 * 2), max(2, int(sh * scale) // 2 * 2))

    def _upload_frame(self, dt) -> None:
        with self._lock:
            img, self._frame = self._frame, None
        if img is None or self._stop.is_set():
            return
        size = img.get_size()
        if self.texture is None or self.texture.size != size:
            self.texture = Texture.create(size=size, colorfmt="rgba")
            self.texture.flip_vertical()
        self.texture.blit_buffer(img.to_memoryview()[0], colorfmt="rgba", bufferfmt="ubyte")
        self.frames_shown += 1
        self.on_frame(self.texture)

    def stop(self) -> None:
        self._stop.set()
        self._upload.cancel()
