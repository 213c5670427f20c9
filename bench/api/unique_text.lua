-- Makes every request's full text (`q`) unique: `q=hafen` becomes `q=hafen or zz<letters>`,
-- a word no text holds, so the request finds what the first text finds but neither Haven's
-- answer cache nor the cities a snapshot keeps per text have seen it: measures the
-- database's full-text match on every request.
local unique = dofile("bench/api/unique_words.lua")
local n = 0
request = function()
  n = n + 1
  local path = string.gsub(wrk.path, "q=([^&]*)", "q=%1+or+zz" .. unique.thread .. "q" .. unique.word(n))
  return wrk.format(nil, path)
end
