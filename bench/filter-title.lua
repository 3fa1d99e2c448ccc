-- GET /scim/v2/Users?filter=title eq "…"&count=10: a filter no index serves (json_extract scan), over the whole directory.
function init(args) token = os.getenv("ROSTER_TOKEN") end
function request()
  return wrk.format("GET", "/scim/v2/Users?filter=title%20eq%20%22Nobody%20Has%20This%22&count=10", {["Authorization"] = "Bearer " .. token})
end
