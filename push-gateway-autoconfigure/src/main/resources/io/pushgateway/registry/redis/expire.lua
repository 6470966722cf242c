-- Ends the grace periods that are over, for subjects whose keys share one slot (after presence.lua).
-- KEYS: per subject its marker key, then the key that says whether it has a connection again
-- ({p}:user:clients:{uid}, {p}:guid:clients:{guid}, or {p}:guid:users:{guid} for a member).
-- ARGV: per subject: subject, field (the uid of a member; '' otherwise).
-- Returns { events (presenceFinish), then per subject '' when done with it, or its later deadline }.
-- Deleting the marker decides, so each loss is emitted once however many nodes look.
presenceInit(0)
local done = {}
for j = 1, #ARGV, 2 do
  local marker, present, subject, field = KEYS[j], KEYS[j + 1], ARGV[j], ARGV[j + 1]
  local deadline
  if field ~= '' then deadline = redis.call('HGET', marker, field) else deadline = redis.call('GET', marker) end
  if deadline and tonumber(deadline) > presenceTime() then
    done[#done + 1] = deadline
  else
    if deadline then
      presenceUnmark(marker, (field ~= '') and field or false)
      local there
      if field ~= '' then there = redis.call('HEXISTS', present, field) == 1 else there = redis.call('EXISTS', present) == 1 end
      if not there then presenceEvents[#presenceEvents + 1] = '-' .. subject end
    end
    done[#done + 1] = ''
  end
end
local events = presenceFinish()
return { events, done }
