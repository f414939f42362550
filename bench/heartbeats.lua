-- wrk script: each request is one board's heartbeat, boards taken in turn.
-- Reads "board_id token" lines from the file named by BANGTIN_BOARDS; sequence numbers start
-- after BANGTIN_FIRST_SEQ (default 0: bench/fleet.py starts above those its boards already sent).
local boards = {}
local i = 0
for line in io.lines(os.getenv("BANGTIN_BOARDS")) do
  local id, tok = line:match("(%S+) (%S+)")
  boards[#boards + 1] = {id = id, tok = tok, seq = tonumber(os.getenv("BANGTIN_FIRST_SEQ") or "0")}
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
