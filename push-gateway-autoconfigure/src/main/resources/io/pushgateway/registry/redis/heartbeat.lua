-- Records that a node is alive, in Redis's own time so node clocks do not matter.
-- KEYS[1] the nodes sorted set ({p}:nodes). ARGV[1] node ID. Returns 1 if the node was not known (new, or
-- swept as dead).
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
return redis.call('ZADD', KEYS[1], now, ARGV[1])
