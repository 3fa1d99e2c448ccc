-- GET /scim/v2/Users?filter=userName eq "0w0-<n>@bench.example" for n in 1..ROSTER_BENCH_USERS (created by post-user.lua).
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  users = tonumber(os.getenv("ROSTER_BENCH_USERS") or "1000")
  math.randomseed(os.time())
end
function request()
  local path = string.format("/scim/v2/Users?filter=userName%%20eq%%20%%220w0-%d%%40bench.example%%22", math.random(1, users))
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
