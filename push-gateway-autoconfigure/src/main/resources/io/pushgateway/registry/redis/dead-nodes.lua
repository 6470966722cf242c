-- The nodes whose heartbeat is older than the timeout, in Redis's own time.
-- KEYS[1] the nodes sorted set ({p}:nodes). ARGV[1] node timeout in ms.
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[1])))
