-- POST with an empty body (the write ceiling of bench/suite).
function request() return wrk.format("POST", nil, nil, "") end
