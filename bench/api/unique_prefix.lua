-- Makes every request's place search text (`q`) a new one: `q=ko` becomes `q=ko<letters>`, a
-- prefix no name starts with, so that neither Haven's answer cache nor the foldings it keeps
-- per text have seen it: measures the search with the text's folding asked of PostgreSQL on
-- every request (the answer is empty).
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
  local path = string.gsub(wrk.path, "q=([^&]*)", "q=%1qqq" .. thread .. word(n))
  return wrk.format(nil, path)
end
