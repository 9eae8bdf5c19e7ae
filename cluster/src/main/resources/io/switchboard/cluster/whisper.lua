-- A private message to a member of another node: published on its node's channel if that node is
-- alive. Returns the member's profile, or nil if nobody alive is called so.
-- KEYS: 1 the name. ARGV: 1 key prefix, 2 payload
local found = redis.call('HMGET', KEYS[1], 'node', 'profile')
if not found[1] or redis.call('EXISTS', ARGV[1] .. 'node:' .. found[1]) == 0 then
  return false
end
redis.call('PUBLISH', ARGV[1] .. 'node:' .. found[1], ARGV[2])
return found[2]
