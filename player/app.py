"""Start the player: Kivy's window settings, then the parts wired in `player.wiring`."""
import os
import time

from player.config import Config


def configure_kivy(config: Config) -> None:
    """Window settings; must run before `kivy.core.window` is imported."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_VIDEO", "ffpyplayer")
    # Pictures are decoded with Pillow by the player itself; Kivy's loaders need not all load.
    os.environ.setdefault("KIVY_IMAGE", "sdl2,pil")
    from kivy.config import Config as KivyConfig

    KivyConfig.set("kivy", "exit_on_escape", "1" if config.windowed else "0")
    KivyConfig.set("kivy", "log_level", config.log_level.lower())
    KivyConfig.set("input", "mouse", "mouse,disable_multitouch")
    KivyConfig.set("graphics", "maxfps", "60")
    if config.windowed:
        w, h = config.size or (1280, 720)
        KivyConfig.set("graphics", "fullscreen", "0")
        KivyConfig.set("graphics", "borderless", "1")
        KivyConfig.set("graphics", "position", "custom")
        KivyConfig.set("graphics", "left", "0")
        KivyConfig.set("graphics", "top", "0")
        KivyConfig.set("graphics", "width", str(w))
        KivyConfig.set("graphics", "height", str(h))
        KivyConfig.set("graphics", "show_cursor", "1")
    else:
        from player.display import desktop_size

        size = desktop_size()
        if size is None:
            KivyConfig.set("graphics", "fullscreen", "auto")
        else:
            KivyConfig.set("graphics", "fullscreen", "0")
            KivyConfig.set("graphics", "borderless", "1")
            KivyConfig.set("graphics", "position", "custom")
            KivyConfig.set("graphics", "left", "0")
            KivyConfig.set("graphics", "top", "0")
            KivyConfig.set("graphics", "width", str(size[0]))
            KivyConfig.set("graphics", "height", str(size[1]))
        KivyConfig.set("graphics", "show_cursor", "0")


def run(config: Config, started: float | None = None) -> None:
    configure_kivy(config)
    from player import wiring

    wiring.run(config, started or time.monotonic())
