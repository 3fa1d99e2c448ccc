-- PATCH /scim/v2/Users/{id} over the ids in $ROSTER_BENCH_IDS (one per line): by default Entra-style,
-- a replace of title and active (Entra sends booleans as "True"/"False"); with
-- ROSTER_BENCH_PATCH=active, a replace of `active` alone as a JSON boolean (what every server takes,
-- the reference server included). $ROSTER_BENCH_BASE replaces /scim/v2 (the reference server serves /Users).
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  base = os.getenv("ROSTER_BENCH_BASE") or "/scim/v2"
  activeOnly = os.getenv("ROSTER_BENCH_PATCH") == "active"
  ids = {}
  for line in io.lines(os.getenv("ROSTER_BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + #ids)
  n = 0
end
function request()
  n = n + 1
  local ops
  if activeOnly then
    ops = '{"op":"replace","path":"active","value":' .. (n % 2 == 0 and "true" or "false") .. '}'
  else
    ops = '{"op":"Replace","path":"title","value":"Title ' .. n .. '"},{"op":"Replace","path":"active","value":"' .. (n % 2 == 0 and "True" or "False") .. '"}'
  end
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[' .. ops .. ']}'
  return wrk.format("PATCH", base .. "/Users/" .. ids[math.random(1, #ids)],
    {["Content-Type"] = "application/scim+json", ["Authorization"] = "Bearer " .. token}, body)
end
