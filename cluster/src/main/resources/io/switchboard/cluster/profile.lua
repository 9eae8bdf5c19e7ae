-- The profile of the member called so, if its node is alive; nil otherwise.
-- KEYS: 1 the name. ARGV: 1 key prefix
local found = redis.call('HMGET', KEYS[1], 'node', 'profile')
if not found[1] or redis.call('EXISTS', ARGV[1] .. 'node:' .. found[1]) == 0 then
  return false
end
return found[2]
