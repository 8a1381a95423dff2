-- wrk script of scripts/load: the three commonest calls in turn — refresh
-- a user (POST /api/users/{id}), read the user's tracks, list the
-- partner's API keys — over USERS users made beforehand.
local key, keysKey, partner = os.getenv("KEY"), os.getenv("KEYS_KEY"), os.getenv("PARTNER")
local users = tonumber(os.getenv("USERS"))
local i = 0

request = function()
  i = i + 1
  local user = "load-" .. (i % users)
  local call = i % 3
  if call == 0 then
    return wrk.format("POST", "/api/users/" .. user, {["Authorization"] = key, ["Content-Type"] = "application/json"}, "{}")
  elseif call == 1 then
    return wrk.format("GET", "/api/users/" .. user .. "/tracks", {["Authorization"] = key})
  end
  return wrk.format("GET", "/v1/resources/partners/" .. partner .. "/api_keys", {["Authorization"] = "key " .. keysKey})
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
