-- Applies a batch of session changes of one node in one round trip (after presence.lua and
-- remove-session.lua).
-- ARGV[1] key prefix, ARGV[2] node ID, ARGV[3] per-user connection limit (0: none), ARGV[4] presence
-- grace period in ms (-1: no presence events), then ops:
--   R sid uid connectedAt lastSeen n guid1..guidN   register
--   U sid                                           unregister
--   J sid guid                                      join
--   L sid guid                                      leave
--   T sid lastSeen                                  touch (last-seen sync)
-- Returns { over, events }: for each registered user now above the limit, HGETALL of the user's key; and
-- the presence events (presenceFinish).
local p, node, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
presenceInit(p, ARGV[4])

-- adds or removes one GUID of a session's list; returns the session's uid when the list changed
local function setGuids(client, guid, add)
  local c = redis.call('HMGET', client, 'uid', 'guids')
  if not c[1] then return false end
  local guids, out, found = cjson.decode(c[2]), {}, false
  for _, g in ipairs(guids) do
    if g == guid then found = true end
    if g ~= guid or add then out[#out + 1] = g end
  end
  if found == add then return false end
  if add then out[#out + 1] = guid end
  redis.call('HSET', client, 'guids', (#out > 0) and cjson.encode(out) or '[]')
  return c[1]
end

local over = {}
local i = 5
while i <= #ARGV do
  local op, sid = ARGV[i], ARGV[i + 1]
  if op == 'R' then
    local uid, n = ARGV[i + 2], tonumber(ARGV[i + 5])
    -- written again after an outage: replace it (the presence of what did not change nets out)
    removeSession(p, sid)
    local userKey = p .. ':user:clients:' .. uid
    if redis.call('EXISTS', userKey) == 0 then presenceUp('u:' .. uid) end
    local guids = {}
    for j = 1, n do
      guids[j] = ARGV[i + 5 + j]
      memberUp(guids[j], uid, sid, node)
    end
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
    local uid = setGuids(p .. ':client:' .. sid, ARGV[i + 2], true)
    if uid then memberUp(ARGV[i + 2], uid, sid, node) end
    i = i + 3
  elseif op == 'L' then
    local uid = setGuids(p .. ':client:' .. sid, ARGV[i + 2], false)
    if uid then memberDown(ARGV[i + 2], uid, sid) end
    i = i + 3
  elseif op == 'T' then
    local client = p .. ':client:' .. sid
    if redis.call('EXISTS', client) == 1 then redis.call('HSET', client, 'lastSeen', ARGV[i + 2]) end
    i = i + 3
  else
    return redis.error_reply('unknown op ' .. tostring(op))
  end
end
return { over, presenceFinish() }
