namespace ELicense.Server.Verification.Replay;

/// <summary>The replay guard's Lua scripts; each touches the keys of one bucket (one hash slot, see <see cref="ReplayKeys"/>).</summary>
internal static class ClaimScripts
{
    // KEYS: claim, epoch sentinel, incomplete marks (hash), heartbeats (hash), master replication id — one
    // bucket's. ARGV: claim ("" = probe only), ttl ms, known epoch, new epoch, own mark (0 keep, -1 clear, else
    // until ms), loss-until ms, now ms, replica id, "1" to beat, silent-after ms, forget-after ms, loss to publish (0 none),
    // "1" on a Redis Cluster, "1" to read the run_id (a beat only).
    // Marks: "loss" (a restart or failover someone noticed, only ever moved later) and one per replica
    // that answered without the store, set when it is back and cleared once its claims are written
    // back; a mark past its time is dropped. The answer is the latest mark. A beat (the background probe,
    // every 250 ms) stamps this replica and ages its peers by the Redis clock, so replicas' clocks need
    // not agree, drops a peer silent for a whole window, and when asked returns the server's run_id (new on every
    // restart and failover; read here because INFO needs admin mode from a client). The silence check is
    // left to the beat: on every claim it would double the script's cost in Redis (8 µs → 17.5 µs). The run_id is
    // asked for by every probe, but of one bucket per Redis server only (`INFO server` is about 8 µs of Redis CPU, as
    // much as the rest of a beat's script; see ClaimWriteBack.RunIdReaders).
    // Failover (issue 16): the bucket keeps the id of the master that wrote it: on a cluster its node id
    // (CLUSTER MYID: free; measured 7.5 µs per script with it, 8-9 without), else its master_replid (INFO
    // replication: +7 µs, 15.4-17.9 µs per script). A replica promoted
    // after missing the last writes holds the old master's id in its copy but has a new one of its own, so the
    // very first call answered by it finds the difference and marks the bucket lost, atomically with the
    // claim, whichever replica makes that call (also one that never saw the old master). A restart that kept
    // its data may keep the id (the epoch and the probe's run_id cover restarts); a restart that lost its data
    // has no stored id, and the epoch covers it.
    public const string Claim = """
        local prev = false
        if ARGV[1] ~= '' then
          prev = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'GET', 'PX', ARGV[2])
        end
        local epoch = redis.call('GET', KEYS[2])
        local lost = 0
        if not epoch then
          redis.call('SET', KEYS[2], ARGV[4])
          epoch = ARGV[4]
          if ARGV[3] ~= '' then lost = 1 end
        elseif ARGV[3] ~= '' and epoch ~= ARGV[3] then
          lost = 1
        end
        local replid
        if ARGV[13] == '1' then
          replid = redis.call('CLUSTER', 'MYID')
        else
          replid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or ''
        end
        local writer = redis.call('GET', KEYS[5])
        if writer ~= replid then
          if writer then lost = 1 end
          redis.call('SET', KEYS[5], replid)
        end
        local own = tonumber(ARGV[5])
        if own < 0 then
          redis.call('HDEL', KEYS[3], ARGV[8])
        elseif own > 0 and own > tonumber(redis.call('HGET', KEYS[3], ARGV[8]) or '0') then
          redis.call('HSET', KEYS[3], ARGV[8], ARGV[5])
        end
        local loss = ARGV[12]
        if lost == 1 and tonumber(ARGV[6]) > tonumber(loss) then loss = ARGV[6] end
        if tonumber(loss) > 0 and tonumber(loss) > tonumber(redis.call('HGET', KEYS[3], 'loss') or '0') then
          redis.call('HSET', KEYS[3], 'loss', loss)
        end
        local current = '0'
        local marks = redis.call('HGETALL', KEYS[3])
        for i = 1, #marks, 2 do
          if tonumber(marks[i + 1]) <= tonumber(ARGV[7]) then
            redis.call('HDEL', KEYS[3], marks[i])
          elseif tonumber(marks[i + 1]) > tonumber(current) then
            current = marks[i + 1]
          end
        end
        local silent = -1
        local run = ''
        if ARGV[9] == '1' then
          local t = redis.call('TIME')
          local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          redis.call('HSET', KEYS[4], ARGV[8], clock)
          if ARGV[14] == '1' then
            run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') or ''
          end
          silent = 0
          local beats = redis.call('HGETALL', KEYS[4])
          for i = 1, #beats, 2 do
            local age = clock - tonumber(beats[i + 1])
            if age > tonumber(ARGV[11]) then
              redis.call('HDEL', KEYS[4], beats[i])
            elseif age > tonumber(ARGV[10]) and beats[i] ~= ARGV[8] then
              silent = 1
            end
          end
        end
        return {prev, epoch, current, lost, silent, run}
        """;

    // KEYS: heartbeats. ARGV: replica id. A replica that stops cleanly leaves the hash: it is not silent, it is gone.
    public const string Leave = "return redis.call('HDEL', KEYS[1], ARGV[1])";

    // KEYS: claim. ARGV: claim, ttl ms, claim ms. The earliest claim keeps ownership: an absent, unreadable
    // or later claim is replaced; an earlier or equal one stays. Returns 1 when written.
    public const string WriteBack = """
        local current = redis.call('GET', KEYS[1])
        if current then
          local sep = string.find(current, '|', 1, true)
          local ms = sep and tonumber(string.sub(current, 1, sep - 1))
          if ms and ms <= tonumber(ARGV[3]) then return 0 end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    // KEYS: the previous build's heartbeat hash. ARGV: forget-after ms. Returns how many replicas of the
    // previous build beat within that time (by the Redis clock, as they stamped it): they may claim unseen.
    public const string LegacyBeats = """
        local t = redis.call('TIME')
        local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local live = 0
        local beats = redis.call('HGETALL', KEYS[1])
        for i = 2, #beats, 2 do
          if clock - (tonumber(beats[i]) or 0) <= tonumber(ARGV[1]) then live = live + 1 end
        end
        return live
        """;

    // KEYS: the previous build's marks (hash). ARGV: until ms. Its replicas read this "loss" mark with every claim, so
    // they too answer SHARED_INCOMPLETE while this build claims where they cannot see (moved only later, as they do).
    public const string LegacyMark = """
        if tonumber(ARGV[1]) > tonumber(redis.call('HGET', KEYS[1], 'loss') or '0') then
          redis.call('HSET', KEYS[1], 'loss', ARGV[1])
        end
        return 1
        """;

    // KEYS: the previous build's epoch, its "retired" companion (same slot). ARGV: window ms, "1" while replicas of
    // the previous build are live. The previous build's epoch still there with none of them live: its claims
    // (unseen by this build) may be presented for one more window — retire the epoch and keep a mark for that
    // window. Returns the mark's remaining ms (negative: none).
    public const string LegacyEpoch = """
        if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then
          redis.call('DEL', KEYS[1])
          redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
        end
        return redis.call('PTTL', KEYS[2])
        """;
}
