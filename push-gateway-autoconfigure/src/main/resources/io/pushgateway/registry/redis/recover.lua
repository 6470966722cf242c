-- Reads what a stream holds after a position. KEYS[1] the entries, KEYS[2] the meta hash.
-- ARGV[1] the position's epoch ('' for none), ARGV[2] its offset, ARGV[3] the most entries to
-- return, ARGV[4] the max age in ms, ARGV[5] an epoch for a new history.
-- Returns { 'ok' | 'gap', last position or '', then offset, id, event, format, payload per entry }.
-- Read without a position, a stream with no history begins one at offset 0 (the meta hash, which
-- expires as an append's does): a client that has seen nothing yet gets a position all the same,
-- and a reconnect from it replays every push appended meanwhile, through whichever node.
-- 'gap' when the position is of another epoch (the history it belongs to was lost), or when an
-- entry after it was trimmed (by length or age), or when more than the most were missed.
local epoch = redis.call('HGET', KEYS[2], 'e')
if not epoch then
  if ARGV[1] ~= '' then return { 'gap', '' } end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'e', ARGV[5], 's', 0)
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) * 2)
  return { 'ok', ARGV[5] .. ':0' }
end
local top = tonumber(redis.call('HGET', KEYS[2], 's') or '0')
local last = epoch .. ':' .. top
if ARGV[1] == '' then return { 'ok', last } end
local since = tonumber(ARGV[2])
if ARGV[1] ~= epoch or since > top then return { 'gap', last } end
if since == top then return { 'ok', last } end
local missed = top - since
if missed > tonumber(ARGV[3]) then return { 'gap', last } end
local entries = redis.call('XRANGE', KEYS[1], (since + 1) .. '-0', '+', 'COUNT', missed)
if #entries ~= missed or entries[1][1] ~= (since + 1) .. '-0' then return { 'gap', last } end
if tonumber(field(entries[1], 't')) < nowMillis() - tonumber(ARGV[4]) then return { 'gap', last } end
local out = { 'ok', last }
for _, entry in ipairs(entries) do
  out[#out + 1] = string.sub(entry[1], 1, -3)
  out[#out + 1] = field(entry, 'id')
  out[#out + 1] = field(entry, 'ev')
  out[#out + 1] = field(entry, 'fmt')
  out[#out + 1] = field(entry, 'd')
end
return out
