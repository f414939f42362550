"""Full-screen views over (or instead of) the layout: emergency, pairing, idle, dark."""
from kivy.clock import Clock
from kivy.properties import ListProperty, NumericProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from player.screen.fonts import shown
from player.screen.textfit import fit_font
from player.vntime import clock_text, date_text
from protocol.manifest import Alert

# Risk-level colours of Decision 18/2021/QĐ-TTg: background, then text colour.
LEVEL_COLOURS = {
    1: ((0.62, 0.85, 1.0, 1), (0.05, 0.1, 0.2, 1)),  # light blue
    2: ((1.0, 0.96, 0.55, 1), (0.15, 0.1, 0.0, 1)),  # light yellow
    3: ((1.0, 0.55, 0.0, 1), (0.1, 0.05, 0.0, 1)),  # orange
    4: ((0.86, 0.08, 0.08, 1), (1, 1, 1, 1)),  # red
    5: ((0.45, 0.1, 0.6, 1), (1, 1, 1, 1)),  # purple
}


def level_heading(alert: Alert) -> str:
    prefix = "DIỄN TẬP – " if alert.test else ""
    return f"{prefix}CẢNH BÁO KHẨN CẤP – RỦI RO THIÊN TAI CẤP {alert.level}"


class EmergencyOverlay(FloatLayout):
    """The most severe live alert, covering the screen in its level's colour."""

    level = NumericProperty(0)
    heading = StringProperty("")
    headline = StringProperty("")
    body = StringProperty("")
    source = StringProperty("")
    back = ListProperty([0, 0, 0, 1])
    fore = ListProperty([1, 1, 1, 1])
    headline_size = NumericProperty(40)
    body_size = NumericProperty(28)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.alert_id: str | None = None
        self._refit = Clock.create_trigger(self.refit, 0)
        self.bind(size=self._refit, headline=self._refit, body=self._refit)

    def show(self, alerts: list[Alert], turn: int = 0) -> Alert | None:
        """Cover the screen with the alert whose turn it is, and return it; the others are counted so
        residents know to wait for them."""
        if not alerts:
            self.alert_id = None
            self.level = 0
            return None
        alert = alerts[turn % len(alerts)]
        self.alert_id = alert.id
        self.level = alert.level
        self.back, self.fore = LEVEL_COLOURS[alert.level]
        self.heading = level_heading(alert)
        self.headline = shown(alert.headline)
        self.body = shown(alert.body)
        count = f"  (cảnh báo {turn % len(alerts) + 1}/{len(alerts)})" if len(alerts) > 1 else ""
        self.source = shown(alert.source) + count
        return alert

    def refit(self, *args) -> None:
        w, h = self.width * 0.9, self.height
        self.headline_size = fit_font(self.headline, "BeVietnamProBold", (w, h * 0.3), hi=h * 0.12)
        self.body_size = fit_font(self.body, "BeVietnamPro", (w, h * 0.42), hi=self.headline_size * 0.8)


class PairingView(FloatLayout):
    code = StringProperty("")
    manager = StringProperty("")
    message = StringProperty("Đang kết nối tới máy chủ quản lý…")


class IdleView(FloatLayout):
    """Nothing to play: the unit's name and the time, never a blank screen."""

    title = StringProperty("Bảng tin điện tử")
    time = StringProperty("")
    date = StringProperty("")

    def tick(self, now) -> None:
        self.time = clock_text(now)
        self.date = date_text(now)


class DownloadIndicator(Widget):
    """A small ring in the bottom-right corner while a large download runs."""

    fraction = NumericProperty(-1)  # -1: hidden


def spaced_code(code: str) -> str:
    return f"{code[:3]} {code[3:]}" if len(code) == 6 else code
