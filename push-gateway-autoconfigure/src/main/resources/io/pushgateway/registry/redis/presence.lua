-- Shared by apply.lua and expire.lua (prepended first): presence transitions.
-- A subject is a user ('u:' .. uid), a GUID ('g:' .. guid) or a user's membership of a GUID
-- ('m:' .. #guid .. ':' .. guid .. uid; the length keeps any GUID unambiguous). When a subject loses its
-- last connection it waits out its grace period under a marker kept in the subject's own hash slot
-- ({p}:presence:user:{uid}, {p}:presence:guid:{guid}, or the uid's field of {p}:presence:members:{guid});
-- a connection that comes back first deletes the marker and nothing is emitted. Redis runs one script at
-- a time per slot, so each transition is seen by exactly one script call: the node that made it emits it.
-- The calls return the subjects now waiting, which the caller indexes in {p}:presence:pending (a hint of
-- when to look; the marker decides).
-- presenceInit(graceMs): graceMs < 0 turns all of this off (no key is written).
local presenceGrace, presenceNow = -1, nil
local presenceEvents, presenceDowns, presenceDownIndex, presencePending = {}, {}, {}, {}

local function presenceInit(grace)
  presenceGrace = tonumber(grace)
end

-- Redis's time in ms, read once per call and only by calls that need it (most calls decide nothing)
local function presenceTime()
  if not presenceNow then
    local t = redis.call('TIME')
    presenceNow = t[1] * 1000 + math.floor(t[2] / 1000)
  end
  return presenceNow
end

local function memberSubject(guid, uid) return 'm:' .. #guid .. ':' .. guid .. uid end

-- deletes a subject's marker (field false: a string key); true if there was one
local function presenceUnmark(key, field)
  if field then return redis.call('HDEL', key, field) == 1 end
  return redis.call('DEL', key) == 1
end

-- a subject has its first connection again
local function presenceUp(subject, key, field)
  if presenceGrace < 0 then return end
  local down = presenceDownIndex[subject]
  if down then
    -- lost and regained within this one call (a reconnect in the same batch): nothing happened
    presenceDowns[down], presenceDownIndex[subject] = false, nil
  elseif presenceGrace == 0 or not presenceUnmark(key, field) then
    presenceEvents[#presenceEvents + 1] = '+' .. subject
  end
end

-- a subject lost its last connection; decided at the end of the call (presenceFinish)
local function presenceDown(subject, key, field)
  if presenceGrace < 0 or presenceDownIndex[subject] then return end
  presenceDowns[#presenceDowns + 1] = { subject, key, field }
  presenceDownIndex[subject] = #presenceDowns
end

-- emits the losses at once without a grace period, else marks them with their deadline (kept an hour
-- longer at most, should no node ever look); returns the events as {Redis time in ms, '+'/'-' .. subject,
-- ...} and the subjects now waiting as {deadline, subject, ...}
local function presenceFinish()
  if presenceGrace < 0 or (#presenceEvents == 0 and #presenceDowns == 0) then return { 0 }, { 0 } end
  local deadline = presenceTime() + presenceGrace
  for _, down in ipairs(presenceDowns) do
    if down then
      if presenceGrace == 0 then
        presenceEvents[#presenceEvents + 1] = '-' .. down[1]
      else
        if down[3] then
          redis.call('HSET', down[2], down[3], deadline)
        else
          redis.call('SET', down[2], deadline)
        end
        redis.call('PEXPIRE', down[2], presenceGrace + 3600000)
        presencePending[#presencePending + 1] = down[1]
      end
    end
  end
  table.insert(presenceEvents, 1, presenceNow)
  table.insert(presencePending, 1, deadline)
  return presenceEvents, presencePending
end
