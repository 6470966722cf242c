-- Appends a recoverable push to its stream. KEYS[1] the entries, KEYS[2] the meta hash.
-- ARGV: max length, max age in ms, message ID, event, format, payload, an epoch for a new history.
-- Returns the position, '<epoch>:<offset>'. The offset is the stream's next, taken in the same
-- script as the entry is added, so a stream's offsets have no gap, whichever node appends.
local maxAge = tonumber(ARGV[2])
if redis.call('HSETNX', KEYS[2], 'e', ARGV[7]) == 1 then
  -- a new history: entries of an old one (whose meta was lost) must not outlive it
  redis.call('DEL', KEYS[1])
end
local epoch = redis.call('HGET', KEYS[2], 'e')
local offset = redis.call('HINCRBY', KEYS[2], 's', 1)
local now = nowMillis()
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], offset .. '-0', 't', now, 'id', ARGV[3], 'ev', ARGV[4],
  'fmt', ARGV[5], 'd', ARGV[6])
-- entries past the age bound go from the head, a few per append (a steady stream drops about one)
for _ = 1, 8 do
  local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
  if #head == 0 or tonumber(field(head[1], 't')) >= now - maxAge then break end
  redis.call('XDEL', KEYS[1], head[1][1])
end
redis.call('PEXPIRE', KEYS[1], maxAge * 2)
redis.call('PEXPIRE', KEYS[2], maxAge * 2)
return epoch .. ':' .. offset
