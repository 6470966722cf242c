-- Renews a worker ID lease if this owner still holds it, or takes it back if it expired free.
-- KEYS[1] the lease key. ARGV[1] owner token, ARGV[2] lease in milliseconds.
-- Returns 1 if this owner holds the lease afterwards, 0 if another owner took it.
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
