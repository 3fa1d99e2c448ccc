-- PATCH /scim/v2/Groups/$ROSTER_BENCH_GROUP: alternately add and remove one member from the ids in
-- $ROSTER_BENCH_IDS (users that are not otherwise in the group), as Okta and Entra push memberships.
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  base = os.getenv("ROSTER_BENCH_BASE") or "/scim/v2"
  group = os.getenv("ROSTER_BENCH_GROUP")
  ids = {}
  for line in io.lines(os.getenv("ROSTER_BENCH_IDS")) do ids[#ids + 1] = line end
  n = math.random(0, 1000)
  -- ROSTER_BENCH_MINIMAL=0: no Prefer header, the answer the server chooses (Roster: 204 for a membership change).
  headers = {["Content-Type"] = "application/scim+json", ["Authorization"] = "Bearer " .. token}
  if os.getenv("ROSTER_BENCH_MINIMAL") ~= "0" then headers["Prefer"] = "return=minimal" end
end
function request()
  n = n + 1
  local id = ids[(math.floor(n / 2) % #ids) + 1]
  local op
  if n % 2 == 0 then
    op = '{"op":"add","path":"members","value":[{"value":"' .. id .. '"}]}'
  else
    op = '{"op":"remove","path":"members[value eq \\"' .. id .. '\\"]"}'
  end
  return wrk.format("PATCH", base .. "/Groups/" .. group,
    headers,
    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[' .. op .. ']}')
end
