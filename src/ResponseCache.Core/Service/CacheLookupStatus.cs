using System;

namespace ResponseCache.Core;

/// <summary>What a lookup did, for a job to log or budget on without parsing verbose text.</summary>
public enum CacheLookupStatus
{
    /// <summary>The cached response was returned.</summary>
    Hit,

    /// <summary>Nothing fresh was cached: the response was produced (or, for a plain get, nothing returned).</summary>
    Miss,

    /// <summary>Asked to refresh: the response was produced again in place of the cached one.</summary>
    Refreshed,

    /// <summary>Another caller (a runspace, a process, on Redis a host) was producing it; this one waited for its outcome.</summary>
    Waited,

    /// <summary>The response was stored (Set-CachedResponse).</summary>
    Stored,
}

/// <summary>A lookup's status, the entry's key hash, when the entry was created and how old it is, and where the cache is.</summary>
public sealed class CacheLookupOutcome
{
    public CacheLookupOutcome(CacheLookupStatus status, KeyHash keyHash, DateTimeOffset? created, DateTimeOffset now, string location)
    {
        Status = status;
        KeyHash = keyHash.ToString();
        Created = created?.LocalDateTime;
        Age = created is DateTimeOffset at ? now - at : null;
        Location = location;
    }

    public CacheLookupStatus Status { get; }

    public string KeyHash { get; }

    /// <summary>The entry's creation time, local; null when there is no entry or the store does not say (a Redis hit).</summary>
    public DateTime? Created { get; }

    public TimeSpan? Age { get; }

    /// <summary>The cache file, or the Redis server and namespace; never a secret.</summary>
    public string Location { get; }

    /// <summary>The status alone, so "$status" in a log line or a comparison with 'Hit' reads as a user expects.</summary>
    public override string ToString() => Status.ToString();
}
