-- wrk script for claim A4's completions load: POST /v1/completions (greedy, a few tokens) and a
-- check of every response: HTTP 200, a body that parses as JSON, and the OpenAI fields (object
-- "text_completion", choices[1].text a string, choices[1].finish_reason a string,
-- usage.total_tokens = prompt_tokens + completion_tokens). done() prints one line:
--   rz-check: ok N bad M
-- Set RZ_MAX_TOKENS in the environment to change the tokens per request (default 8).
local max_tokens = tonumber(os.getenv("RZ_MAX_TOKENS") or "8")
wrk.method = "POST"
wrk.path = "/v1/completions"
wrk.body = string.format('{"prompt":"Once upon a time","max_tokens":%d,"temperature":0}',
                         max_tokens)
wrk.headers["Content-Type"] = "application/json"

-- A strict JSON parser (RFC 8259) returning Lua values; errors on malformed input.
local function parse_json(s)
  local pos = 1
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local value
  local function str()
    local out, i = {}, pos + 1
    while true do
      local c = s:sub(i, i)
      if c == "" then error("unterminated string") end
      if c == '"' then pos = i + 1; return table.concat(out) end
      if c:byte() < 32 then error("control character in string") end
      if c == "\\" then
        local e = s:sub(i + 1, i + 1)
        local map = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
        if map[e] then out[#out + 1] = map[e]; i = i + 2
        elseif e == "u" and s:sub(i + 2, i + 5):match("^%x%x%x%x$") then out[#out + 1] = "?"; i = i + 6
        else error("bad escape") end
      else out[#out + 1] = c; i = i + 1 end
    end
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local t = {}; pos = pos + 1; ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1; return t end
      while true do
        ws(); if s:sub(pos, pos) ~= '"' then error("expected a key") end
        local k = str(); ws()
        if s:sub(pos, pos) ~= ":" then error("expected ':'") end
        pos = pos + 1; t[k] = value(); ws()
        local d = s:sub(pos, pos); pos = pos + 1
        if d == "}" then return t end
        if d ~= "," then error("expected ',' or '}'") end
      end
    elseif c == "[" then
      local t = {}; pos = pos + 1; ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return t end
      while true do
        t[#t + 1] = value(); ws()
        local d = s:sub(pos, pos); pos = pos + 1
        if d == "]" then return t end
        if d ~= "," then error("expected ',' or ']'") end
      end
    elseif c == '"' then return str()
    elseif s:sub(pos, pos + 3) == "true" then pos = pos + 4; return true
    elseif s:sub(pos, pos + 4) == "false" then pos = pos + 5; return false
    elseif s:sub(pos, pos + 3) == "null" then pos = pos + 4; return nil
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not num or num == "" or not tonumber(num) then error("unexpected '" .. c .. "'") end
      pos = pos + #num; return tonumber(num)
    end
  end
  local v = value(); ws()
  if pos <= #s then error("trailing bytes") end
  return v
end

local function valid(body)
  local ok, v = pcall(parse_json, body)
  if not ok or type(v) ~= "table" or v.object ~= "text_completion" then return false end
  local c = v.choices and v.choices[1]
  local u = v.usage
  return type(c) == "table" and type(c.text) == "string" and type(c.finish_reason) == "string"
    and type(u) == "table" and type(u.total_tokens) == "number"
    and u.total_tokens == u.prompt_tokens + u.completion_tokens
end

ok_count, bad_count = 0, 0

function response(status, headers, body)
  if status == 200 and valid(body) then ok_count = ok_count + 1 else bad_count = bad_count + 1 end
end

local threads = {}
function setup(thread) threads[#threads + 1] = thread end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do ok = ok + t:get("ok_count"); bad = bad + t:get("bad_count") end
  io.write(string.format("rz-check: ok %d bad %d\n", ok, bad))
end
