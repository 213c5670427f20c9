-- What bench/api/unique_text.lua and unique_prefix.lua share (loaded with `dofile` from the
-- repository's root, where bench/api/run.sh runs wrk): `word(k)`, the number k in letters,
-- and `thread`, this thread's own letters (from the address of a table, digits as letters).
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
local thread = string.gsub(string.gsub(tostring({}), "table: ", ""), "%d", function(d)
  return string.sub(letters, tonumber(d) + 1, tonumber(d) + 1)
end)
return { word = word, thread = thread }
