-- Moves a member's claim to a new name (as claim.lua), then gives up the old one if it is ours.
-- KEYS: 1 the new name, 2 the old name, 3 this node's names
-- ARGV: 1 this node, 2 profile, 3 key prefix, 4 new name's key, 5 old name's key
local owner = redis.call('HGET', KEYS[1], 'node')
if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. 'node:' .. owner) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'node', ARGV[1], 'profile', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[4])
if redis.call('HGET', KEYS[2], 'node') == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
redis.call('SREM', KEYS[3], ARGV[5])
return 1
