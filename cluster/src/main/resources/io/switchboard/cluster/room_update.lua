-- One change to one room, made final: checks the little the order decides (is the member still
-- there), changes the room's state, numbers the change with the room's sequence, appends it to the
-- room's capped log (and a message to its capped history), and publishes it with its number and the
-- room's epoch. Atomic, so every node sees the same numbers in the same order. A 'say' may carry a
-- batch of messages: numbered one after the other and published as one message.
--
-- KEYS: 1 state (hash; also the channel), 2 members (hash: key -> "joinseq US node US resident"),
--       3 ops (set), 4 voiced (set), 5 bans (hash: maskkey -> "seq US mask US by US at"),
--       6 invited (zset), 7 log (stream), 8 history (stream), 9 rooms (set of room keys)
-- ARGV: 1 kind, 2 room key, 3 payload (the update as nodes decode it), 4 epoch for a new room,
--       5 log cap, 6 history cap, 7 room cap, 8 key prefix, 9 now (ms), 10.. per kind:
--       join: member key, member value (node US name US ... US hidden), room name, node replaced;
--       part: member key, node it must be on ('' any); rename: old key, new key, new name;
--       hide: member key, '1'|'0'; invite: member key; topic: text ('' clears), by, at;
--       change: triples (see below); say: the batch's further messages (ARGV[3] is the first).
-- Returns {seq, epoch} (a batch: the first message's number; the others follow it); {0} when the change changes nothing (the member is gone already);
--         {-1} when the room is not kept (only a join creates one); {-2} when the cap is reached.
local state, members, ops, voiced, bans, invited, log, history, rooms =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local kind, room, payload, new_epoch = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local log_cap, history_cap, max_rooms = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local prefix, now = ARGV[8], ARGV[9]
local US = '\031'
local RS = '\030'

local function node_of(value)
  return string.match(value, '^%d+\031([^\031]*)')
end

local function join_seq_of(value)
  return string.match(value, '^(%d+)')
end

-- The hub keeps a room nobody is in (with its history) until its place is needed.
local function forget_an_empty_room()
  for _, other in ipairs(redis.call('SMEMBERS', rooms)) do
    local base = prefix .. 'room:' .. other
    if redis.call('HLEN', base .. ':members') == 0 then
      redis.call('DEL', base, base .. ':members', base .. ':ops', base .. ':voiced',
        base .. ':bans', base .. ':invited', base .. ':log', base .. ':history')
      redis.call('SREM', rooms, other)
      return true
    end
  end
  return false
end

-- A room nobody is in forgets its settings, topic, bans and invitations (as on one node).
local function reset()
  redis.call('HDEL', state, 'f:m', 'f:i', 'f:s', 'key', 'limit', 'topic', 'topic_by', 'topic_at')
  redis.call('HSET', state, 'f:t', '1', 'f:n', '1')
  redis.call('DEL', bans, invited, ops, voiced)
end

local epoch = redis.call('HGET', state, 'epoch')
if not epoch then
  if kind ~= 'join' then
    return {-1}
  end
  if redis.call('SCARD', rooms) >= max_rooms and not forget_an_empty_room() then
    return {-2}
  end
  epoch = new_epoch
  redis.call('HSET', state, 'name', ARGV[12], 'created', now, 'epoch', epoch, 'seq', 0,
    'f:t', '1', 'f:n', '1')
  redis.call('SADD', rooms, room)
end

local seq
if kind == 'join' then
  local key, resident, replaces = ARGV[10], ARGV[11], ARGV[13]
  local current = redis.call('HGET', members, key)
  if current then
    -- In already. A node that came back under a new id puts its member back: the same place.
    if replaces ~= '' and node_of(current) == replaces then
      redis.call('HSET', members, key, join_seq_of(current) .. US .. resident)
    end
    return {0}
  end
  seq = redis.call('HINCRBY', state, 'seq', 1)
  if redis.call('HLEN', members) == 0 then
    redis.call('SADD', ops, key) -- the first member of an empty room runs it
  end
  redis.call('HSET', members, key, seq .. US .. resident)
  redis.call('ZREM', invited, key)
elseif kind == 'part' then
  local key, node = ARGV[10], ARGV[11]
  local current = redis.call('HGET', members, key)
  if not current or (node ~= '' and node_of(current) ~= node) then
    return {0}
  end
  seq = redis.call('HINCRBY', state, 'seq', 1)
  redis.call('HDEL', members, key)
  redis.call('SREM', ops, key)
  redis.call('SREM', voiced, key)
  if redis.call('HLEN', members) == 0 then
    reset()
  end
elseif kind == 'say' then
  -- A batch: the messages ARGV[3], ARGV[10], ARGV[11]... numbered one after the other, published
  -- as one message (the updates apart by RS); each trim once for the lot.
  local n = #ARGV - 8
  local last = redis.call('HINCRBY', state, 'seq', n)
  local first = last - n + 1
  for i = 1, n do
    local said = payload
    if i > 1 then
      said = ARGV[i + 8]
    end
    local id = (first + i - 1) .. '-0'
    if history_cap > 0 then
      redis.call('XADD', history, id, 'u', said)
    end
    redis.call('XADD', log, id, 'u', said)
  end
  if history_cap > 0 then
    redis.call('XTRIM', history, 'MAXLEN', history_cap)
  end
  redis.call('XTRIM', log, 'MAXLEN', log_cap)
  local batch = payload
  if n > 1 then
    batch = table.concat(ARGV, RS, 10)
    batch = payload .. RS .. batch
  end
  redis.call('PUBLISH', state, first .. US .. epoch .. US .. batch)
  return {first, epoch}
elseif kind == 'rename' then
  local old, new, name = ARGV[10], ARGV[11], ARGV[12]
  local current = redis.call('HGET', members, old)
  if not current then
    return {0}
  end
  seq = redis.call('HINCRBY', state, 'seq', 1)
  local head, rest = string.match(current, '^(%d+\031[^\031]*)\031[^\031]*(\031.*)$')
  redis.call('HDEL', members, old)
  redis.call('HSET', members, new, head .. US .. name .. rest)
  for _, set in ipairs({ops, voiced}) do
    if redis.call('SREM', set, old) == 1 then
      redis.call('SADD', set, new)
    end
  end
elseif kind == 'hide' then
  local key, flag = ARGV[10], ARGV[11]
  local current = redis.call('HGET', members, key)
  if not current then
    return {0}
  end
  seq = redis.call('HINCRBY', state, 'seq', 1)
  redis.call('HSET', members, key, string.sub(current, 1, -2) .. flag) -- the last field: hidden
elseif kind == 'invite' then
  seq = redis.call('HINCRBY', state, 'seq', 1)
  redis.call('ZADD', invited, seq, ARGV[10])
  local count = redis.call('ZCARD', invited)
  if count > 256 then
    redis.call('ZREMRANGEBYRANK', invited, 0, count - 257)
  end
elseif kind == 'topic' then
  seq = redis.call('HINCRBY', state, 'seq', 1)
  if ARGV[10] == '' then
    redis.call('HDEL', state, 'topic', 'topic_by', 'topic_at')
  else
    redis.call('HSET', state, 'topic', ARGV[10], 'topic_by', ARGV[11], 'topic_at', ARGV[12])
  end
elseif kind == 'change' then
  seq = redis.call('HINCRBY', state, 'seq', 1)
  -- Triples from ARGV[10]: (flag, name, '1'|''), (value, field, text|''), (op|voice, key, '1'|''),
  -- (ban, maskkey, "mask US by US at"|'').
  local i = 10
  while i + 2 <= #ARGV do
    local op, a, b = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    if op == 'flag' then
      if b == '1' then redis.call('HSET', state, 'f:' .. a, '1') else redis.call('HDEL', state, 'f:' .. a) end
    elseif op == 'value' then
      if b == '' then redis.call('HDEL', state, a) else redis.call('HSET', state, a, b) end
    elseif op == 'op' or op == 'voice' then
      local set = ops
      if op == 'voice' then set = voiced end
      if redis.call('HEXISTS', members, a) == 1 then
        if b == '1' then redis.call('SADD', set, a) else redis.call('SREM', set, a) end
      end
    elseif op == 'ban' then
      if b == '' then redis.call('HDEL', bans, a) else redis.call('HSET', bans, a, seq .. US .. b) end
    end
    i = i + 3
  end
else
  return redis.error_reply('unknown kind ' .. kind)
end

redis.call('XADD', log, 'MAXLEN', log_cap, seq .. '-0', 'u', payload)
redis.call('PUBLISH', state, seq .. US .. epoch .. US .. payload)
return {seq, epoch}
