-- GET /scim/v2/Users/{id}$ROSTER_BENCH_QUERY over the ids in $ROSTER_BENCH_IDS (one per line).
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  base = os.getenv("ROSTER_BENCH_BASE") or "/scim/v2"
  query = os.getenv("ROSTER_BENCH_QUERY") or ""
  ids = {}
  for line in io.lines(os.getenv("ROSTER_BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + #ids)
end
function request()
  return wrk.format("GET", base .. "/Users/" .. ids[math.random(1, #ids)] .. query, {["Authorization"] = "Bearer " .. token})
end
