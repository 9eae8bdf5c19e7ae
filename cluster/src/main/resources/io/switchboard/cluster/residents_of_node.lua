-- Where a node's members are: {room name, member key, value, ...} for every room kept.
-- KEYS: 1 the set of room keys. ARGV: 1 key prefix, 2 the node
local found = {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local base = ARGV[1] .. 'room:' .. room
  local entries = redis.call('HGETALL', base .. ':members')
  for i = 1, #entries, 2 do
    if string.match(entries[i + 1], '^%d+\031([^\031]*)') == ARGV[2] then
      table.insert(found, redis.call('HGET', base, 'name'))
      table.insert(found, entries[i])
      table.insert(found, entries[i + 1])
    end
  end
end
return found
