-- GET /scim/v2/Users?filter=userName eq "<run>w0-<n>@bench.example" for n in 1..ROSTER_BENCH_USERS (created by post-user.lua;
-- <run> is $ROSTER_BENCH_RUN, default 0). $ROSTER_BENCH_BASE replaces /scim/v2 (the reference server serves /Users).
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  base = os.getenv("ROSTER_BENCH_BASE") or "/scim/v2"
  users = tonumber(os.getenv("ROSTER_BENCH_USERS") or "1000")
  run = os.getenv("ROSTER_BENCH_RUN") or "0"
  math.randomseed(os.time())
end
function request()
  local path = string.format("%s/Users?filter=userName%%20eq%%20%%22%sw0-%d%%40bench.example%%22", base, run, math.random(1, users))
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
