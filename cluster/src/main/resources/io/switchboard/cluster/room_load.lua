-- A room whole, at one point of its order (the sequence is in the state): what a node loads to
-- follow it, or reloads after it missed more than the log keeps. nil if the room is not kept.
-- KEYS: 1 state, 2 members, 3 ops, 4 voiced, 5 bans, 6 invited, 8 history (7, the log, unused)
local state = redis.call('HGETALL', KEYS[1])
if #state == 0 then
  return {}
end
return {
  state,
  redis.call('HGETALL', KEYS[2]),
  redis.call('SMEMBERS', KEYS[3]),
  redis.call('SMEMBERS', KEYS[4]),
  redis.call('HGETALL', KEYS[5]),
  redis.call('ZRANGE', KEYS[6], 0, -1),
  redis.call('XRANGE', KEYS[8], '-', '+')
}
