-- Records that a node is alive, in Redis's own time so node clocks do not matter.
-- ARGV[1] key prefix, ARGV[2] node ID. Returns 1 if the node was not known (new, or swept as dead).
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
return redis.call('ZADD', ARGV[1] .. ':nodes', now, ARGV[2])
