-- This node is alive for another TTL. Returns 1 if it was alive already, 0 if its key had expired
-- (the others may have taken it for dead) or was lost (Redis restarted without its data).
-- KEYS: 1 this node's key, 2 the nodes (zset: id -> last beat). ARGV: 1 ttl ms, 2 now ms, 3 id
local was = redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'GET')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if was then
  return 1
end
return 0
