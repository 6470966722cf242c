-- Reads what a stream holds after a position. KEYS[1] the stream. ARGV[1] the position ('' for
-- none), ARGV[2] the most entries to return.
-- Returns { 'ok' | 'gap', last position or '', then position, id, event, format, payload per entry }.
local last = lastPosition(KEYS[1]) or ''
local since = ARGV[1]
if since == '' or since == last then return { 'ok', last } end
if last == '' then return { 'gap', last } end
local max = tonumber(ARGV[2])
local entries = redis.call('XRANGE', KEYS[1], '(' .. since, '+', 'COUNT', max + 1)
if #entries == 0 or #entries > max then return { 'gap', last } end
local function field(entry, name)
  local f = entry[2]
  for i = 1, #f, 2 do
    if f[i] == name then return f[i + 1] end
  end
  return nil
end
if field(entries[1], 'prev') ~= since then return { 'gap', last } end
local out = { 'ok', last }
for _, entry in ipairs(entries) do
  out[#out + 1] = entry[1]
  out[#out + 1] = field(entry, 'id')
  out[#out + 1] = field(entry, 'ev')
  out[#out + 1] = field(entry, 'fmt')
  out[#out + 1] = field(entry, 'd')
end
return out
