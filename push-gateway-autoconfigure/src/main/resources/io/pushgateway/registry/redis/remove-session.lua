-- Shared by apply.lua and sweep.lua (prepended after presence.lua): removes one session from every key of
-- the schema. p is the key prefix, sid the socket ID.
local function removeSession(p, sid)
  local client = p .. ':client:' .. sid
  local c = redis.call('HMGET', client, 'uid', 'guids', 'node')
  if not c[1] then return false end
  local userKey = p .. ':user:clients:' .. c[1]
  redis.call('HDEL', userKey, sid)
  if redis.call('EXISTS', userKey) == 0 then
    redis.call('SREM', p .. ':users', c[1])
    presenceDown('u:' .. c[1])
  end
  if c[2] then
    for _, guid in ipairs(cjson.decode(c[2])) do memberDown(guid, c[1], sid) end
  end
  redis.call('SREM', p .. ':node:clients:' .. c[3], sid)
  redis.call('DEL', client)
  return true
end
