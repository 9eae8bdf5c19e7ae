-- Claims a name for a member of this node: free if nobody holds it, or if its holder's node is dead
-- (its heartbeat key expired), or if it is this node's, or the one this node was before it came
-- back under a new id. Atomic, so of two nodes racing for one name exactly one wins.
-- KEYS: 1 the name (hash: node, profile), 2 this node's names (set)
-- ARGV: 1 this node, 2 profile, 3 key prefix, 4 this node's former id or '', 5 the name's key
local owner = redis.call('HGET', KEYS[1], 'node')
if owner and owner ~= ARGV[1] and owner ~= ARGV[4]
    and redis.call('EXISTS', ARGV[3] .. 'node:' .. owner) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'node', ARGV[1], 'profile', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[5])
return 1
