-- The subjects whose grace period is over, by the pending-presence index (a hint; markers decide).
-- KEYS[1] the index ({p}:presence:pending). ARGV[1] the most subjects to return.
-- Returns { subject, deadline, ... }.
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1]))
