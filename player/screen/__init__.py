"""The board's widgets. Importing this package creates no window."""
