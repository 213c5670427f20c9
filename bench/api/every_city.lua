-- Asks the published cities' pages in turn (`/api/v1/cities/<slug>`, the slugs one per line in
-- the file named by CITY_SLUGS), each at a new address (an ignored `_` parameter), so that no
-- answer comes from Haven's answer cache: measures the city pages as a visitor walking from
-- city to city meets them. The first pass reads each page from the database; the pages each
-- instance keeps (`model/city_pages.rs`) answer the passes after it.
local slugs = {}
for line in io.lines(os.getenv("CITY_SLUGS")) do
  if line ~= "" then
    slugs[#slugs + 1] = line
  end
end
local n = 0
local thread_id = tostring({}):gsub("table: ", "")
request = function()
  n = n + 1
  local slug = slugs[(n % #slugs) + 1]
  local path = string.gsub(wrk.path, "/cities/[^/?]*", "/cities/" .. slug)
  local sep = string.find(path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, path .. sep .. "_=" .. thread_id .. "-" .. n)
end
