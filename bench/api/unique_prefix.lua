-- Makes every request's place search text (`q`) a new one: `q=ko` becomes `q=ko<letters>`, a
-- prefix no name starts with, so that neither Haven's answer cache nor the foldings it keeps
-- per text have seen it: measures the search with the text's folding asked of PostgreSQL on
-- every request (the answer is empty).
local unique = dofile("bench/api/unique_words.lua")
local n = 0
request = function()
  n = n + 1
  local path = string.gsub(wrk.path, "q=([^&]*)", "q=%1qqq" .. unique.thread .. unique.word(n))
  return wrk.format(nil, path)
end
