-- Gives up a name if this node holds it. KEYS: 1 the name, 2 this node's names.
-- ARGV: 1 this node, 2 the name's key
if redis.call('HGET', KEYS[1], 'node') == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
redis.call('SREM', KEYS[2], ARGV[2])
return 1
