-- Applies a batch of session changes of one node in one round trip (after remove-session.lua).
-- ARGV[1] key prefix, ARGV[2] node ID, ARGV[3] per-user connection limit (0: none), then ops:
--   R sid uid connectedAt lastSeen n guid1..guidN   register
--   U sid                                           unregister
--   J sid guid                                      join
--   L sid guid                                      leave
--   T sid lastSeen                                  touch (last-seen sync)
-- Returns, for each registered user now above the limit, HGETALL of the user's key.
local p, node, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])

local function setGuids(client, sid, guid, add)
  local raw = redis.call('HGET', client, 'guids')
  if not raw then return false end
  local guids, out, found = cjson.decode(raw), {}, false
  for _, g in ipairs(guids) do
    if g == guid then found = true end
    if g ~= guid or add then out[#out + 1] = g end
  end
  if add and not found then out[#out + 1] = guid end
  redis.call('HSET', client, 'guids', cjson.encode(out))
  return true
end

local over = {}
local i = 4
while i <= #ARGV do
  local op, sid = ARGV[i], ARGV[i + 1]
  if op == 'R' then
    local uid, n = ARGV[i + 2], tonumber(ARGV[i + 5])
    local guids = {}
    for j = 1, n do
      guids[j] = ARGV[i + 5 + j]
      redis.call('HSET', p .. ':guid:clients:' .. guids[j], sid, node)
    end
    local userKey = p .. ':user:clients:' .. uid
    redis.call('HSET', userKey, sid, node)
    redis.call('SADD', p .. ':users', uid)
    redis.call('HSET', p .. ':client:' .. sid, 'uid', uid, 'node', node, 'connectedAt', ARGV[i + 3],
      'lastSeen', ARGV[i + 4], 'guids', (n > 0) and cjson.encode(guids) or '[]')
    redis.call('SADD', p .. ':node:clients:' .. node, sid)
    if limit > 0 and redis.call('HLEN', userKey) > limit then over[#over + 1] = redis.call('HGETALL', userKey) end
    i = i + 6 + n
  elseif op == 'U' then
    removeSession(p, sid)
    i = i + 2
  elseif op == 'J' then
    if setGuids(p .. ':client:' .. sid, sid, ARGV[i + 2], true) then
      redis.call('HSET', p .. ':guid:clients:' .. ARGV[i + 2], sid, node)
    end
    i = i + 3
  elseif op == 'L' then
    setGuids(p .. ':client:' .. sid, sid, ARGV[i + 2], false)
    redis.call('HDEL', p .. ':guid:clients:' .. ARGV[i + 2], sid)
    i = i + 3
  elseif op == 'T' then
    local client = p .. ':client:' .. sid
    if redis.call('EXISTS', client) == 1 then redis.call('HSET', client, 'lastSeen', ARGV[i + 2]) end
    i = i + 3
  else
    return redis.error_reply('unknown op ' .. tostring(op))
  end
end
return over
