-- wrk script: cycles through the request paths listed in the file named by $PATHS (one per
-- line), asking for gzip like a browser, and prints one machine-readable result line:
-- RESULT <requests/s> <p50 ms> <p99 ms> <mean bytes per response> <non-2xx/3xx> <requests>
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  paths[#paths + 1] = line
end
local next_index = 0

function setup(thread)
  thread:set("offset", math.random(#paths))
end

function init(args)
  next_index = (offset or 0) % #paths
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index], { ["Accept-Encoding"] = "gzip" })
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %.0f %.2f %.2f %.0f %d %d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests > 0 and summary.bytes / summary.requests or 0,
    summary.errors.status, summary.requests))
end
