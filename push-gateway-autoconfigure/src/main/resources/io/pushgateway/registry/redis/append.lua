-- Appends a recoverable push to its stream. KEYS[1] the stream.
-- ARGV: max length, max age in ms, message ID, event, format, payload. Returns the position.
-- Every entry records the position before it ('prev'), so recovery can tell a gap exactly.
local prev = lastPosition(KEYS[1]) or '0-0'
local position = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'prev', prev, 'id', ARGV[3], 'ev', ARGV[4],
  'fmt', ARGV[5], 'd', ARGV[6])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('XTRIM', KEYS[1], 'MINID', (now - tonumber(ARGV[2])) .. '-0')
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return position
