-- POST /scim/v2/Users with a unique userName per request: <run>w<thread>-<n>@bench.example ($ROSTER_BENCH_RUN, default 0).
-- With ROSTER_BENCH_PASSWORD=1 each user also gets a password (Okta's create with credentials).
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  base = os.getenv("ROSTER_BENCH_BASE") or "/scim/v2"
  run = os.getenv("ROSTER_BENCH_RUN") or "0"
  password = os.getenv("ROSTER_BENCH_PASSWORD") == "1"
  n = 0
end
function request()
  n = n + 1
  local name = string.format("%sw%d-%d@bench.example", run, tid, n)
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name ..
    '","active":true,"name":{"givenName":"Bench","familyName":"User"},"emails":[{"value":"' .. name .. '","type":"work","primary":true}]' ..
    (password and (',"password":"Burst-' .. n .. '-secret"') or '') .. '}'
  return wrk.format("POST", base .. "/Users",
    {["Content-Type"] = "application/scim+json", ["Authorization"] = "Bearer " .. token}, body)
end
