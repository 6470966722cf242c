-- Updates the pending-presence index after expire.lua, unless a newer loss rescheduled a subject meanwhile.
-- KEYS[1] the index. ARGV: per subject: subject, the deadline it was read with, '' to remove it or its
-- later deadline.
local key = KEYS[1]
for i = 1, #ARGV, 3 do
  local score = redis.call('ZSCORE', key, ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    if ARGV[i + 2] == '' then redis.call('ZREM', key, ARGV[i]) else redis.call('ZADD', key, ARGV[i + 2], ARGV[i]) end
  end
end
return 0
