-- GET /scim/v2/Groups/$ROSTER_BENCH_GROUP?excludedAttributes=members
function init(args) token = os.getenv("ROSTER_TOKEN"); group = os.getenv("ROSTER_BENCH_GROUP") end
function request()
  return wrk.format("GET", "/scim/v2/Groups/" .. group .. "?excludedAttributes=members", {["Authorization"] = "Bearer " .. token})
end
