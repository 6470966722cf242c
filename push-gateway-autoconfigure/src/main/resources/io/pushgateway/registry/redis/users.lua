-- Counts the users with at least one socket, on Redis Cluster (where apply.lua cannot reach the hash).
-- KEYS[1] the users hash ({p}:users); ARGV: uid, delta (+1 first socket, -1 last socket gone), ...
-- A field is the sum of its user's changes and goes when it is 0. Sums commute, so the calls of two
-- nodes may arrive in either order (a -1 before the +1 it follows leaves -1 for a moment, then 0).
local key = KEYS[1]
for i = 1, #ARGV, 2 do
  if redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1]) == 0 then redis.call('HDEL', key, ARGV[i]) end
end
return #ARGV / 2
