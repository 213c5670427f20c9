-- Makes every request's full text (`q`) unique: `q=hafen` becomes `q=hafen or zz<letters>`,
-- a word no text holds, so the request finds what the first text finds but neither Haven's
-- answer cache nor the cities a snapshot keeps per text have seen it: measures the
-- database's full-text match on every request.
local n = 0
local letters = "abcdefghijklmnopqrstuvwxyz"
local function word(k)
  local w = ""
  repeat
    local d = k % 26
    w = string.sub(letters, d + 1, d + 1) .. w
    k = math.floor(k / 26)
  until k == 0
  return w
end
-- This thread's own letters (from the address of a table, digits as letters).
local thread = string.gsub(string.gsub(tostring({}), "table: ", ""), "%d", function(d)
  return string.sub(letters, tonumber(d) + 1, tonumber(d) + 1)
end)
request = function()
  n = n + 1
  local path = string.gsub(wrk.path, "q=([^&]*)", "q=%1+or+zz" .. thread .. "q" .. word(n))
  return wrk.format(nil, path)
end
