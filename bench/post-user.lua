-- POST /scim/v2/Users with a unique userName per request: w<thread>-<n>@bench.example.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  n = 0
end
function request()
  n = n + 1
  local name = string.format("w%d-%d@bench.example", tid, n)
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name ..
    '","active":true,"name":{"givenName":"Bench","familyName":"User"},"emails":[{"value":"' .. name .. '","type":"work","primary":true}]}'
  return wrk.format("POST", "/scim/v2/Users",
    {["Content-Type"] = "application/scim+json", ["Authorization"] = "Bearer " .. token}, body)
end
