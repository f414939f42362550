-- wrk script: boards asking for their manifest with the ETag they hold (no wait).
-- Reads "board_id token etag" lines from the file named by BANGTIN_BOARDS.
local boards = {}
local i = 0
for line in io.lines(os.getenv("BANGTIN_BOARDS")) do
  local id, tok, etag = line:match("(%S+) (%S+) (%S+)")
  boards[#boards + 1] = {id = id, tok = tok, etag = etag}
end

request = function()
  i = i % #boards + 1
  local b = boards[i]
  return wrk.format("GET", "/api/v1/boards/" .. b.id .. "/manifest",
    {["Authorization"] = "Bearer " .. b.tok, ["If-None-Match"] = b.etag})
end

response = function(status, headers, body)
  if status ~= 304 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
