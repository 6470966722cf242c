-- Removes every session of nodes whose heartbeat is older than the timeout (killed nodes).
-- ARGV[1] key prefix, ARGV[2] node timeout in milliseconds. Returns the number of sessions removed.
local p = ARGV[1]
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local removed = 0
for _, node in ipairs(redis.call('ZRANGEBYSCORE', p .. ':nodes', '-inf', '(' .. (now - tonumber(ARGV[2])))) do
  local nodeKey = p .. ':node:clients:' .. node
  for _, sid in ipairs(redis.call('SMEMBERS', nodeKey)) do
    local client = p .. ':client:' .. sid
    local c = redis.call('HMGET', client, 'uid', 'guids')
    if c[1] then
      local userKey = p .. ':user:clients:' .. c[1]
      redis.call('HDEL', userKey, sid)
      if redis.call('EXISTS', userKey) == 0 then redis.call('SREM', p .. ':users', c[1]) end
      if c[2] then
        for _, guid in ipairs(cjson.decode(c[2])) do redis.call('HDEL', p .. ':guid:clients:' .. guid, sid) end
      end
      redis.call('DEL', client)
    end
    removed = removed + 1
  end
  redis.call('DEL', nodeKey)
  redis.call('ZREM', p .. ':nodes', node)
end
return removed
