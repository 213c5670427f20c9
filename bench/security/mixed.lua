-- wrk script for bench/security/load.sh: a mixed workload, 20 requests in a cycle:
--   6 repeated API reads (the answer cache), 8 vector tiles around Germany (the tile cache),
--   4 unique reads (the database path), 1 health probe, 1 submission (a write, each from
--   another X-Forwarded-For address so that the per-client limit does not refuse it).
-- LOAD_DELAY_MS: pause of each connection between its requests (0: as fast as possible).
dofile("bench/security/statuses.lua")
local delay_ms = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
local n = 0

local cached = {
  "/api/v1/cities?limit=100",
  "/api/v1/cities/berlin",
  "/api/v1/networks",
  "/api/v1/policy-areas",
  "/api/v1/practices?policy_area=housing",
  "/api/v1/cities?country=DE&policy_area=housing,work",
}

local function tile(i)
  local x = 66 + i % 4
  local y = 41 + math.floor(i / 4) % 4
  return string.format("/tiles/%s/7/%d/%d.mvt", (i % 2 == 0) and "cities" or "practices", x, y)
end

function request()
  n = n + 1
  local slot = n % 20
  local unique = string.format("%d-%d", id, n)
  if slot < 6 then
    return wrk.format("GET", cached[slot + 1])
  elseif slot < 14 then
    return wrk.format("GET", tile(n))
  elseif slot < 16 then
    return wrk.format("GET", "/api/v1/cities?country=DE&_=" .. unique)
  elseif slot < 18 then
    return wrk.format("GET", "/api/v1/practices?_=" .. unique)
  elseif slot == 18 then
    return wrk.format("GET", "/readyz")
  end
  local body = string.format(
    '{"kind":"city","payload":{"name":"Lasthafen %s","country":"DE","lon":7.1,"lat":51.2},"source_urls":["https://example.org/decision"],"website":""}',
    unique)
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", id, math.floor(n / 250) % 250, n % 250),
  }
  return wrk.format("POST", "/api/v1/submissions", headers, body)
end

function delay()
  return delay_ms
end

