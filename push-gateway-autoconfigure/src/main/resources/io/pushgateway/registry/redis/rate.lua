-- A token bucket per user, shared by every node: KEYS[1] ws:rate:user:{uid} (a hash: t tokens, at ms).
-- ARGV[1] tokens regained per second, ARGV[2] the bucket's size (burst). Redis's own clock decides, so
-- the nodes' clocks do not matter. Returns 1 when a token was taken, 0 when the bucket is empty. The key
-- expires once it would have refilled: an idle user costs nothing.
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if not tokens or not at then
  tokens, at = burst, now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000)
  at = now
end
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return taken
