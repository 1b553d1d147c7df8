// The Lua scripts of the Redis state. Each runs atomically in Redis: no other command of any replica runs
// between its reads and its writes. Time comes from Redis (TIME), never from a replica's clock.

/** KEYS[1] lock, ARGV[1] value (holds the owner's unique id), ARGV[2] expiry ms. Returns false if taken, else the holder's value. */
export const LOCK_ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])`;

/** Compare-and-delete: KEYS[1] lock, ARGV[1] our value. 1 if it was ours and is gone. */
export const LOCK_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Compare-and-renew: KEYS[1] lock, ARGV[1] our value, ARGV[2] expiry ms. 1 if still ours (and renewed). */
export const LOCK_RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * Budget slots, up to ARGV[5] of them at once. KEYS[1] the action's sorted set (member: one request; score:
 * when its slot frees, ms). ARGV[1] limit, ARGV[2] member prefix (members are prefix:1..n), ARGV[3] how long
 * an unanswered request holds its slot (ms), ARGV[4] longest wait to suggest (ms), ARGV[5] slots wanted.
 * Returns {n, 0} when n >= 1 slots were granted, else {0, ms to wait before asking again}.
 */
export const BUDGET_ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local free = tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1])
if free > 0 then
  local n = math.min(free, tonumber(ARGV[5]))
  for i = 1, n do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2] .. ':' .. i) end
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
  return {n, 0}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, math.min(tonumber(first[2]) - now, tonumber(ARGV[4])))}`;

/**
 * The request has its answer: its slot frees one window from now. KEYS[1] the action's set, ARGV[1] member,
 * ARGV[2] window ms. A slot already gone (held past its expiry) is not brought back.
 */
export const BUDGET_RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])`;

/**
 * An approval's decision (docs/approval.md). KEYS[1] the approval's hash; ARGV[1] approved|denied, ARGV[2] who decides,
 * ARGV[3] the reason (may be empty). Returns ok, or why not: unknown, decided, expired, self.
 */
export const APPROVAL_DECIDE = `
local s = redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'requester')
if not s[1] then return 'unknown' end
if s[1] ~= 'pending' then return 'decided' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now >= tonumber(s[2]) then return 'expired' end
if s[3] == ARGV[2] then return 'self' end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decidedBy', ARGV[2], 'decidedAt', now)
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'reason', ARGV[3]) end
return 'ok'`;

/**
 * An approval's one use. KEYS[1] the approval's hash; ARGV[1] the binding of the change about to run. Returns ok
 * (now used), or why not: unknown, expired, mismatch, or the status (pending, denied, used).
 */
export const APPROVAL_USE = `
local s = redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'binding')
if not s[1] then return 'unknown' end
if s[1] ~= 'approved' then return s[1] end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now >= tonumber(s[2]) then return 'expired' end
if s[3] ~= ARGV[1] then return 'mismatch' end
redis.call('HSET', KEYS[1], 'status', 'used', 'usedAt', now)
return 'ok'`;

/**
 * An operation's intent (docs/crash-safety.md). KEYS[1] the operation's key, KEYS[2] the set of operations in doubt, KEYS[3]
 * the recent operations (sorted by intent time); ARGV[1] operationId, ARGV[2] the intent (JSON), ARGV[3] its
 * time (ms), ARGV[4] how long it is kept (ms).
 */
export const OP_BEGIN = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], tonumber(ARGV[3]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[4]))
return 1`;

/** Its outcome: KEYS[1] the outcome's key, KEYS[2] the set in doubt; ARGV[1] operationId, ARGV[2] JSON, ARGV[3] ms. */
export const OP_SETTLE = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('SREM', KEYS[2], ARGV[1])
return 1`;

/**
 * The operations in doubt and those since ARGV[2] (ms): KEYS[1] the set in doubt, KEYS[2] the recent ones;
 * ARGV[1] the key prefix of operations, ARGV[3] at most this many. Returns {intent, outcome or false, ...}.
 */
export const OP_LIST = `
local seen = {}
local out = {}
local function add(id)
  if seen[id] or #out >= tonumber(ARGV[3]) * 2 then return end
  seen[id] = true
  local intent = redis.call('GET', ARGV[1] .. id)
  if not intent then
    redis.call('SREM', KEYS[1], id)
    return
  end
  table.insert(out, intent)
  table.insert(out, redis.call('GET', ARGV[1] .. id .. ':outcome') or '')
end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do add(id) end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[2], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))) do add(id) end
return out`;
