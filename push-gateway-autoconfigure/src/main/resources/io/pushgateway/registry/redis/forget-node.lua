-- Removes a swept node from the nodes sorted set, unless it sent a heartbeat meanwhile (then it is alive
-- and learns of the sweep from its sweep counter). KEYS[1] the nodes sorted set. ARGV[1] node ID,
-- ARGV[2] node timeout in ms. Returns 1 if removed.
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) < now - tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
