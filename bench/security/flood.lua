-- wrk script for bench/security/flood.sh: POSTs JSON to FLOOD_PATH and counts statuses.
--   FLOOD_KIND=reset   password-reset confirmations with unknown tokens
--   FLOOD_KIND=login   sign-ins of unknown addresses (each runs argon2 on the dummy hash)
--   FLOOD_SPREAD=1     every request from another X-Forwarded-For address, so the per-client
--                      throttle cannot help (Haven runs with --trust-forwarded-for)
dofile("bench/security/statuses.lua")
local kind = os.getenv("FLOOD_KIND") or "reset"
local spread = os.getenv("FLOOD_SPREAD") == "1"
local counter = 0

function request()
  counter = counter + 1
  local n = id * 10000000 + counter
  local headers = { ["Content-Type"] = "application/json" }
  if spread then
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", n % 250, math.floor(n / 250) % 250, math.floor(n / 62500) % 250)
  end
  local body
  if kind == "login" then
    wrk.path = "/api/v1/auth/login"
    body = string.format('{"email":"nobody%d@example.org","password":"not a password of anyone %d"}', n, n)
  else
    wrk.path = "/api/v1/auth/password-reset/confirm"
    body = string.format('{"token":"%064x","password":"a long enough new password"}', n)
  end
  return wrk.format("POST", wrk.path, headers, body)
end

