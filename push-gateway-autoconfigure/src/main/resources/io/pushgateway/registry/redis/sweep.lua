-- Removes every session of nodes whose heartbeat is older than the timeout (killed nodes).
-- Runs after presence.lua and remove-session.lua.
-- ARGV[1] key prefix, ARGV[2] node timeout in milliseconds, ARGV[3] presence grace period in ms (-1: no
-- presence events). Returns { number of sessions removed, presence events (presenceFinish) }.
local p = ARGV[1]
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
presenceInit(p, ARGV[3])
local removed = 0
for _, node in ipairs(redis.call('ZRANGEBYSCORE', p .. ':nodes', '-inf', '(' .. (now - tonumber(ARGV[2])))) do
  local nodeKey = p .. ':node:clients:' .. node
  for _, sid in ipairs(redis.call('SMEMBERS', nodeKey)) do
    removeSession(p, sid)
    removed = removed + 1
  end
  redis.call('DEL', nodeKey)
  redis.call('ZREM', p .. ':nodes', node)
end
return { removed, presenceFinish() }
