-- POST one new row; ids are unique per thread and per run.
local threads = 0
local headers = {["Content-Type"] = "application/json"}

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  -- 10^11 ids per thread; within a thread, 10^6 per second of wall clock at start
  next_id = 3000000000000 + tid * 100000000000 + (os.time() % 100000) * 1000000
end

function request()
  next_id = next_id + 1
  local body = string.format('{"id":%d,"name":"item-%d","qty":3,"price":9.99}', next_id, next_id)
  return wrk.format("POST", "/v1/namespaces/bench/tables/items/rows", headers, body)
end
