-- Applies session changes (after presence.lua). On Redis Cluster the caller groups them by hash slot, so
-- every key of one call shares a slot; on a standalone Redis one call carries a whole batch. Every key
-- is declared in KEYS and ops name keys by their index there (k below).
-- ARGV[1] per-user connection limit (0: none), ARGV[2] presence grace period in ms (-1: no presence
-- events), ARGV[3] the index of the users hash ({p}:users) in KEYS, or 0 to return the users' changes,
-- ARGV[4] the index of the pending-presence index ({p}:presence:pending) in KEYS, or 0 to return the
-- subjects now waiting; then the ops:
--   C k(client) uid node connectedAt lastSeen transport protocol address n guid1..guidN
--                                                          write a session's hash, replacing it (address
--                                                          empty: not written)
--   D k(client)                                            delete a session's hash
--   J k(client) guid / L k(client) guid                    add / remove a GUID in a session's list
--   T k(client) lastSeen                                   last-seen sync, if the session still exists
--   N k(node) sid / M k(node) sid                          add / remove a socket of a node
--   U k(user) k(marker) uid sid node                       a user gains a socket
--   V k(user) k(marker) uid sid                            a user loses a socket
--   G k(guid) k(users) k(marker) k(members) guid uid sid node    a GUID gains a socket
--   H k(guid) k(users) k(marker) k(members) guid uid sid         a GUID loses a socket
-- Every op is idempotent (a rewrite after an outage changes nothing twice).
-- Returns { over, events, pending, users }: for each user now above the limit, HGETALL of the user's
-- key; the presence events and the subjects now waiting (presenceFinish; pending empty when written
-- here); the users that gained their first or lost their last socket as {uid, +1/-1, ...} (empty when
-- written here).
local limit = tonumber(ARGV[1])
presenceInit(ARGV[2])
local usersIndex, pendingIndex = tonumber(ARGV[3]), tonumber(ARGV[4])

local over, usersDelta, usersOrder = {}, {}, {}
local function userChanged(uid, delta)
  if not usersDelta[uid] then
    usersDelta[uid] = 0
    usersOrder[#usersOrder + 1] = uid
  end
  usersDelta[uid] = usersDelta[uid] + delta
end

local function setGuids(client, guid, add)
  local current = redis.call('HGET', client, 'guids')
  if not current then return end
  local out, found = {}, false
  for _, g in ipairs(cjson.decode(current)) do
    if g == guid then found = true end
    if g ~= guid or add then out[#out + 1] = g end
  end
  if found == add then return end
  if add then out[#out + 1] = guid end
  redis.call('HSET', client, 'guids', (#out > 0) and cjson.encode(out) or '[]')
end

local i = 5
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'C' then
    local client, n, guids = KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 9]), {}
    for j = 1, n do guids[j] = ARGV[i + 9 + j] end
    redis.call('DEL', client)
    redis.call('HSET', client, 'uid', ARGV[i + 2], 'node', ARGV[i + 3], 'connectedAt', ARGV[i + 4],
      'lastSeen', ARGV[i + 5], 'transport', ARGV[i + 6], 'protocol', ARGV[i + 7],
      'guids', (n > 0) and cjson.encode(guids) or '[]')
    if ARGV[i + 8] ~= '' then redis.call('HSET', client, 'address', ARGV[i + 8]) end
    i = i + 10 + n
  elseif op == 'D' then
    redis.call('DEL', KEYS[tonumber(ARGV[i + 1])])
    i = i + 2
  elseif op == 'J' or op == 'L' then
    setGuids(KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2], op == 'J')
    i = i + 3
  elseif op == 'T' then
    local client = KEYS[tonumber(ARGV[i + 1])]
    if redis.call('EXISTS', client) == 1 then redis.call('HSET', client, 'lastSeen', ARGV[i + 2]) end
    i = i + 3
  elseif op == 'N' then
    redis.call('SADD', KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2])
    i = i + 3
  elseif op == 'M' then
    redis.call('SREM', KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2])
    i = i + 3
  elseif op == 'U' then
    local user, marker, uid = KEYS[tonumber(ARGV[i + 1])], KEYS[tonumber(ARGV[i + 2])], ARGV[i + 3]
    local first = redis.call('EXISTS', user) == 0
    if redis.call('HSET', user, ARGV[i + 4], ARGV[i + 5]) == 1 then
      if first then
        presenceUp('u:' .. uid, marker, false)
        userChanged(uid, 1)
      end
      if limit > 0 and redis.call('HLEN', user) > limit then over[#over + 1] = redis.call('HGETALL', user) end
    end
    i = i + 6
  elseif op == 'V' then
    local user, marker, uid = KEYS[tonumber(ARGV[i + 1])], KEYS[tonumber(ARGV[i + 2])], ARGV[i + 3]
    if redis.call('HDEL', user, ARGV[i + 4]) == 1 and redis.call('EXISTS', user) == 0 then
      presenceDown('u:' .. uid, marker, false)
      userChanged(uid, -1)
    end
    i = i + 5
  elseif op == 'G' or op == 'H' then
    local guidKey, usersKey = KEYS[tonumber(ARGV[i + 1])], KEYS[tonumber(ARGV[i + 2])]
    local marker, members = KEYS[tonumber(ARGV[i + 3])], KEYS[tonumber(ARGV[i + 4])]
    local guid, uid, sid = ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
    if op == 'G' then
      local first = redis.call('EXISTS', guidKey) == 0
      if redis.call('HSET', guidKey, sid, ARGV[i + 8]) == 1 and presenceGrace >= 0 then
        if first then presenceUp('g:' .. guid, marker, false) end
        if redis.call('HINCRBY', usersKey, uid, 1) == 1 then presenceUp(memberSubject(guid, uid), members, uid) end
      end
      i = i + 9
    else
      if redis.call('HDEL', guidKey, sid) == 1 and presenceGrace >= 0 then
        if redis.call('EXISTS', guidKey) == 0 then presenceDown('g:' .. guid, marker, false) end
        if redis.call('HINCRBY', usersKey, uid, -1) <= 0 then
          redis.call('HDEL', usersKey, uid)
          presenceDown(memberSubject(guid, uid), members, uid)
        end
      end
      i = i + 8
    end
  else
    return redis.error_reply('unknown op ' .. tostring(op))
  end
end

local events, pending = presenceFinish()
if pendingIndex > 0 and #pending > 1 then
  local index = KEYS[pendingIndex]
  for j = 2, #pending do redis.call('ZADD', index, pending[1], pending[j]) end
  pending = { 0 }
end
local users = {}
for _, uid in ipairs(usersOrder) do
  local delta = usersDelta[uid]
  if delta ~= 0 then
    users[#users + 1] = uid
    users[#users + 1] = delta
  end
end
if usersIndex > 0 then
  local key = KEYS[usersIndex]
  for j = 1, #users, 2 do
    if redis.call('HINCRBY', key, users[j], users[j + 1]) == 0 then redis.call('HDEL', key, users[j]) end
  end
  users = {}
end
return { over, events, pending, users }
