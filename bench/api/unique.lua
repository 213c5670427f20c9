-- Makes every request unique (an ignored `_` parameter), so that no answer comes from
-- Haven's in-memory answer cache: measures the database path.
local n = 0
local thread_id = tostring({}):gsub("table: ", "")
request = function()
  n = n + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_=" .. thread_id .. "-" .. n)
end
