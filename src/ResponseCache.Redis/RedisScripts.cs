using System.Globalization;
using ResponseCache.Core;

namespace ResponseCache.Redis;

/// <summary>
/// The namespace's changes as server-side scripts, each one round trip. A namespace-wide change first takes the
/// namespace's write gate (SET NX): Redis runs a script atomically, but Garnet does so only with
/// --lua-transaction-mode, and the gate keeps caps exact without it. A change that finds the gate taken answers {-1}
/// and the client tries again. Reads take no gate: each of their commands is atomic on its own.
/// Entry hashes are ordered by recency in the sorted set "lru" with the score ms * 1024 + (write sequence mod 1024):
/// the access time in milliseconds, ties broken by the order of writes, as the file engine keeps its list; the
/// scores stay integers below 2^53, so no server rounds them.
/// </summary>
internal static class RedisScripts
{
    /// <summary>How long after an entry expires the server drops it by itself, when no write of the namespace removed it first: a day.</summary>
    public const int ExpiredEntryGraceSeconds = 86_400;

    /// <summary>
    /// read_settings(config, copy): the namespace's caps and TTL, as numbers (max entries and bytes nil for none),
    /// then why the configuration hash cannot be used ('' when it can) and whether the last good copy lags behind
    /// it. A hash that cannot be used never shrinks the namespace: its last good copy applies, else no cap at all.
    /// Counts may be written as any number the server reads (1e4, 10000.0) but must be whole.
    /// </summary>
    private const string SettingsReader = @"
local function read_settings(config, copy)
  local function whole(value, most)
    local n = tonumber(value)
    if n and n >= 1 and n <= most and n == math.floor(n) then return n end
  end
  local function parse(c)
    local maxEntries, maxBytes, ttlDays = DEFAULT_MAX_ENTRIES, nil, DEFAULT_TTL_DAYS
    if c[1] then
      maxEntries = whole(c[1], 2147483647)
      if not maxEntries then return nil, 'max_entries is ' .. c[1] .. ', not a whole number of at least 1' end
    end
    if c[2] then
      maxBytes = whole(c[2], 9007199254740992)
      if not maxBytes then return nil, 'max_bytes is ' .. c[2] .. ', not a whole number of at least 1' end
    end
    if c[3] then
      ttlDays = tonumber(c[3])
      if not ttlDays or ttlDays < 0 or ttlDays == math.huge then return nil, 'ttl_days is ' .. c[3] .. ', not a number of days' end
    end
    return maxEntries, maxBytes, ttlDays
  end
  local c = redis.call('HMGET', config, 'max_entries', 'max_bytes', 'ttl_days')
  local g = redis.call('HMGET', copy, 'max_entries', 'max_bytes', 'ttl_days')
  local hasCopy = g[1] or g[2] or g[3]
  local damage = 'the hash is missing'
  if c[1] or c[2] or c[3] then
    -- parse answers nil and the reason for a hash it cannot use.
    local maxEntries, maxBytesOrReason, ttlDays = parse(c)
    if maxEntries then
      return maxEntries, maxBytesOrReason, ttlDays, '', not (c[1] == g[1] and c[2] == g[2] and c[3] == g[3])
    end
    damage = maxBytesOrReason
  elseif not hasCopy then
    return DEFAULT_MAX_ENTRIES, nil, DEFAULT_TTL_DAYS, '', false
  end
  if hasCopy then
    local maxEntries, maxBytes, ttlDays = parse(g)
    if maxEntries then return maxEntries, maxBytes, ttlDays, damage, false end
  end
  return nil, nil, DEFAULT_TTL_DAYS, damage, false
end

-- The settings as the client parses them: whole numbers in full ('' for none), the TTL in round-trip precision.
local function settings_text(maxEntries, maxBytes, ttlDays)
  local function count(n) if n then return string.format('%.0f', n) end return '' end
  return count(maxEntries), count(maxBytes), string.format('%.17g', ttlDays)
end
";

    // KEYS: lru, exp, sizes, bytes, config, gate, seq, stats, config copy, tags, until, savings[, lock]. ARGV: entry prefix, gate token, now (s), now (ms), ...
    private static readonly string Prelude = WithCacheConstants(SettingsReader + @"
local unpack = unpack or table.unpack
local lru, exp, sizes, bytes, config, gate, seq, stats, copy = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
-- tags: entry hash to its tags' index names, one a line; the entries of a tag are the set tags .. ':' .. name.
-- until: the entries with a lifetime of their own, by its end. exp keeps creation plus TTL for every entry.
local tags, untilSet = KEYS[10], KEYS[11]
-- savings: the ledger (see RedisNamespaceKeys.Savings); a clear that resets it sets keepSavings false.
local savings = KEYS[12]
local keepSavings = true
local prefix, token, now, nowMs = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])

local function order(ms)
  return string.format('%.0f', ms * 1024 + redis.call('INCR', seq) % 1024)
end

local function keep_last_good()
  local c = redis.call('HMGET', config, 'max_entries', 'max_bytes', 'ttl_days')
  redis.call('DEL', copy)
  local fields = {}
  for i, name in ipairs({'max_entries', 'max_bytes', 'ttl_days'}) do
    if c[i] then fields[#fields + 1] = name; fields[#fields + 1] = c[i] end
  end
  if #fields > 0 then redis.call('HSET', copy, unpack(fields)) end
end

-- Why the configuration hash could not be used, for the client's warning; '' when it could.
local settingsDamage = ''

local function settings()
  local maxEntries, maxBytes, ttlDays, damage, stale = read_settings(config, copy)
  settingsDamage = damage
  if stale and token ~= '' then keep_last_good() end
  return maxEntries, maxBytes, ttlDays
end

local function lines(text)
  local out = {}
  for line in string.gmatch(text, '[^\n]+') do out[#out + 1] = line end
  return out
end

local function forget(member)
  if keepSavings then
    -- What the entry's hits saved stays counted after it is gone (the money was saved).
    -- A key of another type (written by hand) saved nothing, and removing it must not fail.
    local u = redis.pcall('HMGET', prefix .. member, 'model', 'input_tokens', 'output_tokens', 'producer_seconds', 'hits')
    local hits = (not u.err) and tonumber(u[5])
    if hits and hits > 0 then
      local field = 'gone\n' .. (u[1] or '') .. '\n'
      redis.call('HINCRBY', savings, field .. 'hits', string.format('%.0f', hits))
      redis.call('HINCRBY', savings, field .. 'input_tokens', string.format('%.0f', hits * (tonumber(u[2]) or 0)))
      redis.call('HINCRBY', savings, field .. 'output_tokens', string.format('%.0f', hits * (tonumber(u[3]) or 0)))
      redis.call('HINCRBYFLOAT', savings, field .. 'producer_seconds', string.format('%.17g', hits * (tonumber(u[4]) or 0)))
    end
  end
  local existed = redis.call('DEL', prefix .. member)
  redis.call('ZREM', lru, member)
  redis.call('ZREM', exp, member)
  redis.call('ZREM', untilSet, member)
  local names = redis.call('HGET', tags, member)
  if names then
    for _, name in ipairs(lines(names)) do redis.call('SREM', tags .. ':' .. name, member) end
    redis.call('HDEL', tags, member)
  end
  local size = redis.call('HGET', sizes, member)
  if size then
    redis.call('HDEL', sizes, member)
    redis.call('DECRBY', bytes, size)
  end
  return existed
end

local function purge(bound)
  local existed = 0
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', exp, '-inf', bound)) do
    existed = existed + forget(member)
  end
  -- An entry past its own lifetime is expired whatever the bound: its end is earlier than its TTL's.
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', untilSet, '-inf', '(' .. string.format('%.3f', now))) do
    existed = existed + forget(member)
  end
  return existed
end

-- When Redis drops the entry by itself: a grace after it expires (creation plus TTL, or its own lifetime's end if
-- sooner), nil for never. Until then the next write's purge() removes it through forget(), which keeps what its hits
-- saved in the ledger; a key the server dropped takes its hits with it. An expired entry is never served meanwhile.
local function drop_at(created, ttl, lifetimeEnd)
  local at = nil
  if created then at = created + ttl end
  if lifetimeEnd and (not at or lifetimeEnd < at) then at = lifetimeEnd end
  if at then at = at + EXPIRED_ENTRY_GRACE_SECONDS end
  return at
end

local function total()
  return tonumber(redis.call('GET', bytes) or '0')
end

-- maxEntries nil: the configuration is lost, and nothing is beyond it.
local function beyond(maxEntries, maxBytes, count, total)
  if not maxEntries then return false end
  return count > maxEntries or (maxBytes ~= nil and total > maxBytes and count > 1)
end

local function evict(maxEntries, maxBytes)
  local evicted = 0
  while beyond(maxEntries, maxBytes, redis.call('ZCARD', lru), total()) do
    evicted = evicted + forget(redis.call('ZRANGE', lru, 0, 0)[1])
  end
  return evicted
end

-- caps: {maxEntries, maxBytes} to make room before adding (an entry written now is the most recent), or nil to
-- leave eviction to evict() afterwards (an imported entry may be older than those already cached).
-- What producing the entry cost, and its hits: the values of usage, in this order, '' for unknown.
local usageFields = {'model', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'producer_seconds', 'hits'}

-- tagText: the tags as given, one a line ('' none); indexText: their index names, one a line; lifetimeEnd: '' none.
local function put(member, response, created, accessedMs, timestamp, textLength, ttl, caps, tagText, indexText, lifetimeEnd, usage)
  local expireAt = nil
  if created ~= '' then
    expireAt = tonumber(created) + ttl
    -- An entry already expired is not stored, so it replaces nothing either.
    if expireAt <= now then return 0, 0 end
  end
  local ownEnd = tonumber(lifetimeEnd)
  if ownEnd and ownEnd < now then return 0, 0 end
  forget(member)
  local size = ENTRY_OVERHEAD_BYTES + string.len(response)
  local evicted = 0
  if caps then
    -- Readers never see more entries than the cap, even on a server that does not run scripts atomically.
    while redis.call('ZCARD', lru) > 0 and beyond(caps[1], caps[2], redis.call('ZCARD', lru) + 1, total() + size) do
      evicted = evicted + forget(redis.call('ZRANGE', lru, 0, 0)[1])
    end
  end
  local key = prefix .. member
  local fields = {'response', response, 'size', size}
  if created ~= '' then fields[#fields + 1] = 'created_at'; fields[#fields + 1] = created end
  if timestamp ~= '' then fields[#fields + 1] = 'timestamp'; fields[#fields + 1] = timestamp end
  if textLength ~= '' then fields[#fields + 1] = 'text_length'; fields[#fields + 1] = textLength end
  if tagText ~= '' then fields[#fields + 1] = 'tags'; fields[#fields + 1] = tagText end
  if ownEnd then fields[#fields + 1] = 'expires_at'; fields[#fields + 1] = lifetimeEnd end
  for i, name in ipairs(usageFields) do
    if usage[i] and usage[i] ~= '' then fields[#fields + 1] = name; fields[#fields + 1] = usage[i] end
  end
  redis.call('HSET', key, unpack(fields))
  local dropAt = drop_at(expireAt and tonumber(created), ttl, ownEnd)
  if dropAt then redis.call('PEXPIREAT', key, string.format('%.0f', dropAt * 1000)) end
  if expireAt then redis.call('ZADD', exp, string.format('%.3f', expireAt), member) end
  if ownEnd then redis.call('ZADD', untilSet, string.format('%.3f', ownEnd), member) end
  if indexText ~= '' then
    redis.call('HSET', tags, member, indexText)
    for _, name in ipairs(lines(indexText)) do redis.call('SADD', tags .. ':' .. name, member) end
  end
  redis.call('ZADD', lru, order(accessedMs), member)
  redis.call('HSET', sizes, member, size)
  redis.call('INCRBY', bytes, size)
  return 1, evicted
end

local function guarded(body)
  if not redis.call('SET', gate, token, 'NX', 'PX', 30000) then
    -- A gate of another type, written by hand, would never be released: say so at once, as a command on it would.
    local kind = redis.call('TYPE', gate)
    if type(kind) == 'table' then kind = kind.ok end
    if kind ~= 'string' and kind ~= 'none' then return redis.error_reply('WRONGTYPE the gate key holds a ' .. tostring(kind)) end
    return {-1}
  end
  local ok, result = pcall(body)
  if redis.call('GET', gate) == token then redis.call('DEL', gate) end
  if not ok then
    if type(result) == 'table' and result.err then return redis.error_reply(result.err) end
    return redis.error_reply(tostring(result))
  end
  return result
end
");

    /// <summary>
    /// ARGV[5] timestamp, ARGV[6] lock token, then (hash, response, text length, tags, tag index names, lifetime's
    /// end, model, input tokens, output tokens, cached input tokens, producer seconds) per entry; the caps are the namespace's (a call's caps reach it through Configure first). KEYS[13], when
    /// given, is a get-or-add lock released if ARGV[6] still owns it. Returns {stored, evicted, total bytes, max bytes or -1, settings damage,
    /// 1 if the namespace held no entry before (0 if it did)}.
    /// </summary>
    public static readonly RedisScript SetMany = new RedisScript(Prelude + @"
return guarded(function()
  local maxEntries, maxBytes, ttlDays = settings()
  purge(ARGV[3])
  local wasEmpty = redis.call('ZCARD', lru) == 0 and 1 or 0
  local stored, evicted = 0, evict(maxEntries, maxBytes)
  for i = 7, #ARGV, 11 do
    local added, made = put(ARGV[i], ARGV[i + 1], ARGV[3], nowMs, ARGV[5], ARGV[i + 2], ttlDays * 86400, {maxEntries, maxBytes}, ARGV[i + 3], ARGV[i + 4], ARGV[i + 5],
      {ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], ARGV[i + 9], ARGV[i + 10], ''})
    stored, evicted = stored + added, evicted + made
  end
  if KEYS[13] and redis.call('GET', KEYS[13]) == ARGV[6] then redis.call('DEL', KEYS[13]) end
  return {stored, evicted, total(), maxBytes or -1, settingsDamage, wasEmpty}
end)");

    /// <summary>ARGV[5] is ignored; then (hash, response, created ('' none), last access ms, timestamp, text length, tags, tag index names, lifetime's end, model, input tokens, output tokens, cached input tokens, producer seconds, hits) per entry, least recently used first. Returns {stored, evicted, settings damage}.</summary>
    public static readonly RedisScript Import = new RedisScript(Prelude + @"
return guarded(function()
  local maxEntries, maxBytes, ttlDays = settings()
  purge(ARGV[3])
  local stored = 0
  for i = 6, #ARGV, 15 do
    stored = stored + put(ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 5], ttlDays * 86400, nil, ARGV[i + 6], ARGV[i + 7], ARGV[i + 8],
      {ARGV[i + 9], ARGV[i + 10], ARGV[i + 11], ARGV[i + 12], ARGV[i + 13], ARGV[i + 14]})
  end
  return {stored, evict(maxEntries, maxBytes), settingsDamage}
end)");

    /// <summary>ARGV[5...] entry hashes. Returns {how many were there}.</summary>
    public static readonly RedisScript Remove = new RedisScript(Prelude + @"
return guarded(function()
  local removed = 0
  for i = 5, #ARGV do removed = removed + forget(ARGV[i]) end
  return {removed}
end)");

    /// <summary>ARGV[5...] tag index names. Removes the entries that have any of them, reading only those tags' sets. Returns {how many were there}.</summary>
    public static readonly RedisScript RemoveTagged = new RedisScript(Prelude + @"
return guarded(function()
  local removed = 0
  for i = 5, #ARGV do
    for _, member in ipairs(redis.call('SMEMBERS', tags .. ':' .. ARGV[i])) do removed = removed + forget(member) end
  end
  return {removed}
end)");

    /// <summary>ARGV[5] the freshness in seconds ('' the cache's TTL). Returns {how many were removed}.</summary>
    public static readonly RedisScript RemoveExpired = new RedisScript(Prelude + @"
return guarded(function()
  local _, _, ttlDays = settings()
  local ttl = ttlDays * 86400
  local freshness = tonumber(ARGV[5]) or ttl
  -- An entry's expiry score is its creation plus the cache's TTL: older than the freshness means a score below this.
  return {purge('(' .. string.format('%.3f', now - freshness + ttl))}
end)");

    /// <summary>ARGV[5] '1' to reset the savings ledger too. Returns {how many entries there were}.</summary>
    public static readonly RedisScript Clear = new RedisScript(Prelude + @"
return guarded(function()
  keepSavings = ARGV[5] ~= '1'
  if not keepSavings then redis.call('DEL', savings) end
  local removed = 0
  for _, member in ipairs(redis.call('ZRANGE', lru, 0, -1)) do removed = removed + forget(member) end
  for _, member in ipairs(redis.call('ZRANGE', exp, 0, -1)) do removed = removed + forget(member) end
  for _, member in ipairs(redis.call('ZRANGE', untilSet, 0, -1)) do removed = removed + forget(member) end
  redis.call('DEL', lru, exp, sizes, bytes, seq, tags, untilSet)
  return {removed}
end)");

    /// <summary>
    /// ARGV[5] max entries, ARGV[6] max bytes ('0' removes the cap), ARGV[7] TTL days ('' keeps each), ARGV[8] '1' for
    /// a preview. Returns {evicted, previous max entries, previous max bytes, previous TTL days, settings damage} (''
    /// for no value). A change writes the whole configuration and its last good copy, so it also repairs a damaged one.
    /// A new TTL moves every entry's expiry (creation plus TTL); entries it puts in the past go at once.
    /// </summary>
    public static readonly RedisScript Configure = new RedisScript(Prelude + WithCacheConstants(@"
local function countBeyond(maxEntries, maxBytes)
  local count, bytesLeft, evicted = redis.call('ZCARD', lru), total(), 0
  for _, member in ipairs(redis.call('ZRANGE', lru, 0, -1)) do
    if not beyond(maxEntries, maxBytes, count, bytesLeft) then break end
    count = count - 1
    bytesLeft = bytesLeft - (tonumber(redis.call('HGET', sizes, member)) or 0)
    evicted = evicted + 1
  end
  return evicted
end

local function change()
  local maxEntries, maxBytes, ttlDays = settings()
  local previous = {settings_text(maxEntries, maxBytes, ttlDays)}
  maxEntries = maxEntries or DEFAULT_MAX_ENTRIES
  if ARGV[5] ~= '' then maxEntries = tonumber(ARGV[5]) end
  if ARGV[6] == '0' then maxBytes = nil elseif ARGV[6] ~= '' then maxBytes = tonumber(ARGV[6]) end
  if ARGV[8] == '1' then
    return {countBeyond(maxEntries, maxBytes), previous[1], previous[2], previous[3], settingsDamage}
  end
  local entriesText, bytesText, ttlText = settings_text(maxEntries, maxBytes, ttlDays)
  if ARGV[7] ~= '' then ttlText = ARGV[7] end
  redis.call('DEL', config)
  if bytesText ~= '' then
    redis.call('HSET', config, 'max_entries', entriesText, 'max_bytes', bytesText, 'ttl_days', ttlText)
  else
    redis.call('HSET', config, 'max_entries', entriesText, 'ttl_days', ttlText)
  end
  keep_last_good()
  if ARGV[7] ~= '' and tonumber(ARGV[7]) ~= ttlDays then
    local ttl = tonumber(ARGV[7]) * 86400
    for _, member in ipairs(redis.call('ZRANGE', lru, 0, -1)) do
      local times = redis.call('HMGET', prefix .. member, 'created_at', 'expires_at')
      local created = tonumber(times[1])
      if created then
        local expireAt = created + ttl
        if expireAt <= now then
          forget(member)
        else
          redis.call('PEXPIREAT', prefix .. member, string.format('%.0f', drop_at(created, ttl, tonumber(times[2])) * 1000))
          redis.call('ZADD', exp, string.format('%.3f', expireAt), member)
        end
      elseif redis.call('EXISTS', prefix .. member) == 0 then
        forget(member)
      end
    end
  end
  return {evict(maxEntries, maxBytes), previous[1], previous[2], previous[3], ''}
end

if ARGV[8] == '1' then return change() end
return guarded(change)"));

    /// <summary>
    /// fresh_response(entry, config, copy, now, freshness, minCreated): the entry's response if it may be served at
    /// now (s): within its own lifetime, no older than the freshness in seconds (nil: the cache's TTL) and created no
    /// earlier than minCreated (nil: any); else false. Reads only.
    /// </summary>
    private const string FreshnessReader = @"
local function fresh_response(entry, config, copy, now, freshness, minCreated)
  local v = redis.call('HMGET', entry, 'response', 'created_at', 'expires_at')
  local response = v[1]
  if not response then return false end
  if v[3] and now > tonumber(v[3]) then return false end
  local created = tonumber(v[2])
  if not created then return (not minCreated) and response end
  if not freshness then
    local _, _, ttlDays = read_settings(config, copy)
    freshness = ttlDays * 86400
  end
  if now - created > freshness or (minCreated and created < minCreated) then return false end
  return response
end
";

    /// <summary>
    /// after_hit(entry, lru, stats, seq, member, nowMs, savings, day, firstKeptDay): everything a hit records, in one
    /// place: the entry becomes the most recent (if it is still listed), its own and the namespace's shared hit counts
    /// grow by one, and the ledger's day (UTC, yyyy-MM-dd) adds the hit and what it saved under the entry's model. A
    /// day's first hit on a model forgets the days before firstKeptDay, so the ledger stays bounded. A plain lookup
    /// sends it without waiting for it (<see cref="AfterHit"/>); a get-or-add that takes a lock runs it inside its script.
    /// </summary>
    private const string AfterHitRecorder = @"
local function after_hit(entry, lru, stats, seq, member, nowMs, savings, day, firstKeptDay)
  redis.call('ZADD', lru, 'XX', string.format('%.0f', nowMs * 1024 + redis.call('INCR', seq) % 1024), member)
  redis.call('HINCRBY', stats, 'hits', 1)
  -- The entry may have gone since it was read: a count alone must not make it a hash again.
  if redis.call('EXISTS', entry) == 0 then return end
  redis.call('HINCRBY', entry, 'hits', 1)
  local u = redis.call('HMGET', entry, 'model', 'input_tokens', 'output_tokens', 'producer_seconds')
  local field = day .. '\n' .. (u[1] or '') .. '\n'
  if redis.call('HINCRBY', savings, field .. 'hits', 1) == 1 then
    for _, name in ipairs(redis.call('HKEYS', savings)) do
      local fieldDay = string.match(name, '^([^\n]*)\n')
      if fieldDay and fieldDay ~= 'gone' and fieldDay < firstKeptDay then redis.call('HDEL', savings, name) end
    end
  end
  if u[2] then redis.call('HINCRBY', savings, field .. 'input_tokens', u[2]) end
  if u[3] then redis.call('HINCRBY', savings, field .. 'output_tokens', u[3]) end
  if u[4] then redis.call('HINCRBYFLOAT', savings, field .. 'producer_seconds', u[4]) end
end
";

    /// <summary>
    /// KEYS: entry, config, config copy. ARGV: now (s), freshness in seconds ('' the cache's TTL). Returns {1, response}
    /// on a hit, else {0}. Writes nothing: what the hit records follows in <see cref="AfterHit"/>.
    /// </summary>
    public static readonly RedisScript Find = new RedisScript(WithCacheConstants(SettingsReader + FreshnessReader + @"
local response = fresh_response(KEYS[1], KEYS[2], KEYS[3], tonumber(ARGV[1]), tonumber(ARGV[2]), nil)
if response then return {1, response} end
return {0}"));

    /// <summary>KEYS: entry, lru, stats, seq, savings. ARGV: hash, now (ms), day, first day kept. What a hit records (see AfterHitRecorder).</summary>
    public static readonly RedisScript AfterHit = new RedisScript(AfterHitRecorder + @"
after_hit(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], tonumber(ARGV[2]), KEYS[5], ARGV[3], ARGV[4])
return 1");

    /// <summary>
    /// KEYS: entry, lru, config, stats, seq, lock, config copy, savings. ARGV: hash, now (s), now (ms), freshness in seconds ('' the cache's
    /// TTL), oldest creation accepted ('' any), lock token, lock expiry (ms), day, first day kept. Returns {1, response} on a hit,
    /// recording it (after_hit); else {2} when the lock was taken (a miss), {0} when not.
    /// </summary>
    public static readonly RedisScript FindOrLock = new RedisScript(WithCacheConstants(SettingsReader + FreshnessReader + AfterHitRecorder + @"
local minCreated = nil
if ARGV[5] ~= '' then minCreated = tonumber(ARGV[5]) end
local response = fresh_response(KEYS[1], KEYS[3], KEYS[7], tonumber(ARGV[2]), tonumber(ARGV[4]), minCreated)
if response then
  after_hit(KEYS[1], KEYS[2], KEYS[4], KEYS[5], ARGV[1], tonumber(ARGV[3]), KEYS[8], ARGV[8], ARGV[9])
  return {1, response}
end
if redis.call('SET', KEYS[6], ARGV[6], 'NX', 'PX', ARGV[7]) then
  redis.call('HINCRBY', KEYS[4], 'misses', 1)
  return {2}
end
return {0}"));

    /// <summary>
    /// KEYS: lru, config, stats, config copy. ARGV: entry prefix, '1' to include responses. Returns {ttl days, max
    /// entries, max bytes, shared hits, shared misses, settings damage} ('' for none), then per entry, least recently used first: hash, recency
    /// score, size, created ('' none), timestamp, text length, tags (one a line), lifetime's end, model, input tokens, output tokens, cached input tokens, producer seconds, hits[, response]. Entries Redis already expired are left out.
    /// </summary>
    public static readonly RedisScript Inventory = new RedisScript(WithCacheConstants(SettingsReader + @"
local maxEntries, maxBytes, ttlDays, damage = read_settings(KEYS[2], KEYS[4])
local entriesText, bytesText, ttlText = settings_text(maxEntries, maxBytes, ttlDays)
local s = redis.call('HMGET', KEYS[3], 'hits', 'misses')
local out = {ttlText, entriesText, bytesText, s[1] or '', s[2] or '', damage}
local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #members, 2 do
  local f
  if ARGV[2] == '1' then
    f = redis.call('HMGET', ARGV[1] .. members[i], 'size', 'created_at', 'timestamp', 'text_length', 'tags', 'expires_at',
      'model', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'producer_seconds', 'hits', 'response')
  else
    f = redis.call('HMGET', ARGV[1] .. members[i], 'size', 'created_at', 'timestamp', 'text_length', 'tags', 'expires_at',
      'model', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'producer_seconds', 'hits')
  end
  if f[1] then
    out[#out + 1] = members[i]
    out[#out + 1] = members[i + 1]
    out[#out + 1] = f[1]
    out[#out + 1] = f[2] or ''
    out[#out + 1] = f[3] or ''
    out[#out + 1] = f[4] or ''
    for k = 5, 12 do out[#out + 1] = f[k] or '' end
    if ARGV[2] == '1' then out[#out + 1] = f[13] or '' end
  end
end
return out"));

    /// <summary>
    /// KEYS: lru. ARGV: entry prefix. The first entry key of the namespace that holds another type than a hash, as
    /// {key, type}, or {} when none does: what a WRONGTYPE from a namespace-wide script, which names no key, was about.
    /// </summary>
    public static readonly RedisScript FindWrongTypedEntry = new RedisScript(@"
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
for i = 1, #members do
  local key = ARGV[1] .. members[i]
  local kind = redis.call('TYPE', key)
  if type(kind) == 'table' then kind = kind.ok end
  if kind ~= 'hash' and kind ~= 'none' then return {key, kind} end
end
return {}");

    /// <summary>KEYS: config, config copy. Returns {max entries, max bytes, TTL days, settings damage} ('' for none).</summary>
    public static readonly RedisScript Settings = new RedisScript(WithCacheConstants(SettingsReader + @"
local maxEntries, maxBytes, ttlDays, damage = read_settings(KEYS[1], KEYS[2])
local entriesText, bytesText, ttlText = settings_text(maxEntries, maxBytes, ttlDays)
return {entriesText, bytesText, ttlText, damage}"));

    /// <summary>KEYS: lock. ARGV: token, expiry (ms). Extends the lock if the token still owns it.</summary>
    public static readonly RedisScript RenewLock = new RedisScript(@"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0");

    /// <summary>KEYS: lock. ARGV: token. Deletes the lock if the token still owns it.</summary>
    public static readonly RedisScript ReleaseLock = new RedisScript(@"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0");

    /// <summary>The cache's defaults and entry overhead, as the engine defines them, written into a script's text.</summary>
    private static string WithCacheConstants(string lua) => lua
        .Replace("DEFAULT_MAX_ENTRIES", CacheConfiguration.DefaultMaxEntries.ToString(CultureInfo.InvariantCulture))
        .Replace("DEFAULT_TTL_DAYS", CacheConfiguration.DefaultTtlDays.ToString("R", CultureInfo.InvariantCulture))
        .Replace("ENTRY_OVERHEAD_BYTES", CacheConfiguration.EntryOverheadBytes.ToString(CultureInfo.InvariantCulture))
        .Replace("EXPIRED_ENTRY_GRACE_SECONDS", ExpiredEntryGraceSeconds.ToString(CultureInfo.InvariantCulture));
}
