-- GET /scim/v2/Users?filter=userName eq "user<n>@example.com" for n in 0..ROSTER_BENCH_NAMES-1 (the accounts bench/scale imports).
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  names = tonumber(os.getenv("ROSTER_BENCH_NAMES") or "1000")
  math.randomseed(os.time())
end
function request()
  local path = string.format("/scim/v2/Users?filter=userName%%20eq%%20%%22user%d%%40example.com%%22", math.random(0, names - 1))
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
