"""URL paths of the board API, shared so the two sides cannot drift apart."""

PAIR = "/api/v1/pair"
PAIR_STATUS = "/api/v1/pair/{code}"
MANIFEST = "/api/v1/boards/{board_id}/manifest"
HEARTBEATS = "/api/v1/boards/{board_id}/heartbeats"
PLAYLOG = "/api/v1/boards/{board_id}/playlog"
SCREENSHOT = "/api/v1/boards/{board_id}/screenshot"
ASSET = "/assets/{sha256}"

# The pairing secret travels in this header, never the URL: URLs end up in access logs.
PAIRING_SECRET_HEADER = "X-Pairing-Secret"

# A long-poll holds at most this long; boards ask for less.
MAX_WAIT_S = 60
