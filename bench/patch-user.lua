-- PATCH /scim/v2/Users/{id}: Entra-style replace of title and active, over the ids in $ROSTER_BENCH_IDS (one per line).
function init(args)
  token = os.getenv("ROSTER_TOKEN")
  ids = {}
  for line in io.lines(os.getenv("ROSTER_BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + #ids)
  n = 0
end
function request()
  n = n + 1
  local id = ids[math.random(1, #ids)]
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[' ..
    '{"op":"Replace","path":"title","value":"Title ' .. n .. '"},{"op":"Replace","path":"active","value":"' .. (n % 2 == 0 and "True" or "False") .. '"}]}'
  return wrk.format("PATCH", "/scim/v2/Users/" .. id,
    {["Content-Type"] = "application/scim+json", ["Authorization"] = "Bearer " .. token}, body)
end
