-- Every room kept, with how many are in it, secret ones left out: {name, count, name, count...}.
-- KEYS: 1 the set of room keys. ARGV: 1 key prefix.
local listed = {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local base = ARGV[1] .. 'room:' .. room
  local fields = redis.call('HMGET', base, 'name', 'f:s')
  if fields[1] and not fields[2] then
    table.insert(listed, fields[1])
    table.insert(listed, redis.call('HLEN', base .. ':members'))
  end
end
return listed
