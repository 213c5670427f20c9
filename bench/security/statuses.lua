-- Shared by flood.lua and mixed.lua: counts the answers' statuses in every wrk thread and
-- prints them, the socket errors and the latency when the run is done.
local threads = {}
statuses = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format("%s×%d", status, count))
  end
  table.sort(parts)
  io.write(string.format("STATUSES %s\n", table.concat(parts, " ")))
  io.write(string.format("ERRORS connect=%d read=%d write=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("LATENCY p50=%.1fms p99=%.1fms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
