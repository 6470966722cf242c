-- Leases the first free Snowflake worker ID, starting at ARGV[4] and wrapping at 1024.
-- ARGV[1] key prefix, ARGV[2] owner token, ARGV[3] lease in milliseconds. Returns the ID, or -1.
for k = 0, 1023 do
  local id = (tonumber(ARGV[4]) + k) % 1024
  if redis.call('SET', ARGV[1] .. ':worker:' .. id, ARGV[2], 'NX', 'PX', ARGV[3]) then return id end
end
return -1
