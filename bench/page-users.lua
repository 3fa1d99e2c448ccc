-- GET /scim/v2/Users?startIndex=<random>&count=100 over the whole directory ($ROSTER_BENCH_TOTAL users).
-- $ROSTER_BENCH_BASE replaces /scim/v2 (the reference server serves /Users).
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  base = os.getenv("ROSTER_BENCH_BASE") or "/scim/v2"
  total = tonumber(os.getenv("ROSTER_BENCH_TOTAL") or "100")
  math.randomseed(os.time())
end
function request()
  local start = math.random(1, math.max(1, total - 100))
  return wrk.format("GET", string.format("%s/Users?startIndex=%d&count=100", base, start), {["Authorization"] = "Bearer " .. token})
end
