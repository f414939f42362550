"""The board player: a full-screen Kivy program that never goes blank."""
__version__ = "0.1.0"
