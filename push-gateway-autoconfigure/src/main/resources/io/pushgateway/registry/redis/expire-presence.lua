-- Ends the grace periods that are over (after presence.lua): each subject still without a connection is
-- emitted as lost. Every node runs this; ZREM decides which one emits, so each loss is emitted once.
-- ARGV[1] key prefix, ARGV[2] the most subjects to end in one call. Returns the events (presenceFinish).
local p = ARGV[1]
presenceInit(p, 0)
local pending = p .. ':presence:pending'
for _, subject in ipairs(redis.call('ZRANGEBYSCORE', pending, '-inf', presenceNow, 'LIMIT', 0, tonumber(ARGV[2]))) do
  redis.call('ZREM', pending, subject)
  local kind, present = string.sub(subject, 1, 1), true
  if kind == 'u' then
    present = redis.call('EXISTS', p .. ':user:clients:' .. string.sub(subject, 3)) == 1
  elseif kind == 'g' then
    present = redis.call('EXISTS', p .. ':guid:clients:' .. string.sub(subject, 3)) == 1
  else
    local colon = string.find(subject, ':', 3, true)
    local length = tonumber(string.sub(subject, 3, colon - 1))
    local guid = string.sub(subject, colon + 1, colon + length)
    present = redis.call('HEXISTS', p .. ':guid:users:' .. guid, string.sub(subject, colon + length + 1)) == 1
  end
  if not present then presenceEvents[#presenceEvents + 1] = '-' .. subject end
end
return presenceFinish()
