-- Shared by append.lua and recover.lua (prepended when the scripts are loaded). A stream is two
-- keys in one slot: the entries (KEYS[1], a Redis stream whose entry IDs are the offsets,
-- '<offset>-0') and the meta hash (KEYS[2]: 'e' the epoch, 's' the last offset), which survives
-- trimming and expires with the entries.

-- The value of a field of a stream entry.
local function field(entry, name)
  local f = entry[2]
  for i = 1, #f, 2 do
    if f[i] == name then return f[i + 1] end
  end
  return nil
end

-- Redis's clock in milliseconds.
local function nowMillis()
  local t = redis.call('TIME')
  return t[1] * 1000 + math.floor(t[2] / 1000)
end
