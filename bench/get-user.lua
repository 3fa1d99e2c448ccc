-- GET /scim/v2/Users/{id} over the ids in $ROSTER_BENCH_IDS (one per line).
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  ids = {}
  for line in io.lines(os.getenv("ROSTER_BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + #ids)
end
function request()
  return wrk.format("GET", "/scim/v2/Users/" .. ids[math.random(1, #ids)], {["Authorization"] = "Bearer " .. token})
end
