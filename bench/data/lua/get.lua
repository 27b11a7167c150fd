-- GET a row by primary key, random over ROWS rows.
local rows = tonumber(os.getenv("ROWS") or "10000")
local base = "/v1/namespaces/bench/tables/items/rows/"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(os.time() * 100 + tid)
end

function request()
  return wrk.format("GET", base .. math.random(rows))
end
