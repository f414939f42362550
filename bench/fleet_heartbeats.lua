-- wrk script for bench/fleet.py: each request is one board's heartbeat, boards taken in turn.
-- Reads "board_id token" lines from BANGTIN_BOARDS. Sequence numbers start at 1000,
-- above the few the fan-out already sent, so that every heartbeat is a new one.
local boards = {}
local i = 0
for line in io.lines(os.getenv("BANGTIN_BOARDS")) do
  local id, tok = line:match("(%S+) (%S+)")
  boards[#boards + 1] = {id = id, tok = tok, seq = 1000}
end

request = function()
  i = i % #boards + 1
  local b = boards[i]
  b.seq = b.seq + 1
  local body = string.format(
    '{"heartbeats":[{"seq":%d,"board_time":"%s","display_state":"on","interval_s":30,"software_version":"bench"}]}',
    b.seq, os.date("!%Y-%m-%dT%H:%M:%SZ"))
  return wrk.format("POST", "/api/v1/boards/" .. b.id .. "/heartbeats",
    {["Authorization"] = "Bearer " .. b.tok, ["Content-Type"] = "application/json"}, body)
end
