-- Shared by append.lua and recover.lua (prepended when the scripts are loaded): the last
-- position ever added to a stream, which survives trimming; nil when the stream does not exist.
local function lastPosition(key)
  if redis.call('EXISTS', key) == 0 then return nil end
  local info = redis.call('XINFO', 'STREAM', key)
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then return info[i + 1] end
  end
  return nil
end

