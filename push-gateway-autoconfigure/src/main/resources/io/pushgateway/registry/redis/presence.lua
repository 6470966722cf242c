-- Shared by apply.lua, sweep.lua and expire-presence.lua (prepended first): presence transitions.
-- A subject is a user ('u:' .. uid), a GUID ('g:' .. guid) or a user's membership of a GUID
-- ('m:' .. #guid .. ':' .. guid .. uid; the length keeps any GUID unambiguous). When a subject loses its
-- last connection it waits in the sorted set {p}:presence:pending until its grace period ends; a
-- connection that comes back first takes it out again and nothing is emitted. Redis runs one script at a
-- time, so each transition is seen by exactly one script call: the node that made that call emits it.
-- presenceInit(p, graceMs): graceMs < 0 turns all of this off (no key is written).
local presenceP, presenceGrace, presenceNow = '', -1, 0
local presenceEvents, presenceDowns, presenceDownIndex = {}, {}, {}

local function presenceInit(p, grace)
  presenceP, presenceGrace = p, tonumber(grace)
  if presenceGrace >= 0 then
    local t = redis.call('TIME')
    presenceNow = t[1] * 1000 + math.floor(t[2] / 1000)
  end
end

local function presenceEnabled() return presenceGrace >= 0 end

local function memberSubject(guid, uid) return 'm:' .. #guid .. ':' .. guid .. uid end

-- a subject has its first connection again
local function presenceUp(subject)
  if presenceGrace < 0 then return end
  local down = presenceDownIndex[subject]
  if down then
    -- lost and regained within this one call (a reconnect in the same batch): nothing happened
    presenceDowns[down], presenceDownIndex[subject] = false, nil
  elseif redis.call('ZREM', presenceP .. ':presence:pending', subject) == 0 then
    presenceEvents[#presenceEvents + 1] = '+' .. subject
  end
end

-- a subject lost its last connection; decided at the end of the call (presenceFinish)
local function presenceDown(subject)
  if presenceGrace < 0 or presenceDownIndex[subject] then return end
  presenceDowns[#presenceDowns + 1] = subject
  presenceDownIndex[subject] = #presenceDowns
end

-- emits the losses at once without a grace period, else starts their grace periods; returns the events
-- as {Redis time in ms, '+'/'-' .. subject, ...}
local function presenceFinish()
  if presenceGrace < 0 then return { 0 } end
  for _, subject in ipairs(presenceDowns) do
    if subject then
      if presenceGrace == 0 then
        presenceEvents[#presenceEvents + 1] = '-' .. subject
      else
        redis.call('ZADD', presenceP .. ':presence:pending', presenceNow + presenceGrace, subject)
      end
    end
  end
  table.insert(presenceEvents, 1, presenceNow)
  return presenceEvents
end

-- a connection (sid) of uid attached to guid: counts the user's connections on the GUID
local function memberUp(guid, uid, sid, node)
  local guidKey = presenceP .. ':guid:clients:' .. guid
  if presenceGrace >= 0 then
    if redis.call('EXISTS', guidKey) == 0 then presenceUp('g:' .. guid) end
    if redis.call('HINCRBY', presenceP .. ':guid:users:' .. guid, uid, 1) == 1 then presenceUp(memberSubject(guid, uid)) end
  end
  redis.call('HSET', guidKey, sid, node)
end

local function memberDown(guid, uid, sid)
  local guidKey = presenceP .. ':guid:clients:' .. guid
  if redis.call('HDEL', guidKey, sid) == 0 or presenceGrace < 0 then return end
  if redis.call('EXISTS', guidKey) == 0 then presenceDown('g:' .. guid) end
  local usersKey = presenceP .. ':guid:users:' .. guid
  if redis.call('HINCRBY', usersKey, uid, -1) <= 0 then
    redis.call('HDEL', usersKey, uid)
    presenceDown(memberSubject(guid, uid))
  end
end
