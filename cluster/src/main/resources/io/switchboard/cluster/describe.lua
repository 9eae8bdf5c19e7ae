-- Updates what a member of this node shows of itself, if this node still holds its name.
-- KEYS: 1 the name. ARGV: 1 this node, 2 profile
if redis.call('HGET', KEYS[1], 'node') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'profile', ARGV[2])
  return 1
end
return 0
