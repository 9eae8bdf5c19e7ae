-- A dead node's names are free again and it is off the list (its members were taken out of their
-- rooms first). KEYS: 1 its names (set), 2 the nodes (zset). ARGV: 1 key prefix, 2 the node
for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. 'name:' .. name
  if redis.call('HGET', key, 'node') == ARGV[2] then
    redis.call('DEL', key)
  end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
