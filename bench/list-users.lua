-- GET /scim/v2/Users?startIndex=1&count=10
function init(args) token = os.getenv("ROSTER_TOKEN") end
function request()
  return wrk.format("GET", "/scim/v2/Users?startIndex=1&count=10", {["Authorization"] = "Bearer " .. token})
end
