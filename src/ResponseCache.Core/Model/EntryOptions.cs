using System;
using System.Collections.Generic;
using System.Linq;

namespace ResponseCache.Core;

/// <summary>
/// What a storing call says about the entries it writes: their tags, by which they are later listed and removed
/// together, a lifetime of their own, shorter than the cache's TTL where it is given, and, for a caller that stores
/// the reply inside an envelope of its own, how to read the reply's usage from what is stored.
/// </summary>
public sealed class EntryOptions
{
    public EntryOptions(IEnumerable<string>? tags = null, TimeSpan? expiresAfter = null, Func<byte[], EntryUsage>? readUsage = null)
    {
        ReadUsage = readUsage ?? (json => ReplyUsage.Read(json));
        Tags = EntryTags.Normalize(tags, nameof(tags));
        if (expiresAfter is TimeSpan lifetime && lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresAfter), expiresAfter, "An entry's lifetime must be longer than zero.");
        }

        ExpiresAfter = expiresAfter;
    }

    public static EntryOptions None { get; } = new EntryOptions();

    /// <summary>The tags, each once (compared without regard to case), in the order first given.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>How long after it is written the entry expires, unless the cache's TTL ends it first; null: the TTL alone.</summary>
    public TimeSpan? ExpiresAfter { get; }

    /// <summary>What producing a stored response cost, read from its JSON: <see cref="ReplyUsage.Read(byte[])"/> unless the caller wraps replies.</summary>
    public Func<byte[], EntryUsage> ReadUsage { get; }
}

/// <summary>The rules for tags, written once: what a tag may be, and when two are the same.</summary>
public static class EntryTags
{
    /// <summary>Tags are compared as PowerShell compares strings: without regard to case.</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>The name under which a store indexes a tag: one spelling for every casing of it.</summary>
    public static string IndexName(string tag) => tag.ToUpperInvariant();

    /// <summary>Each tag once, in the order first given; empty for none.</summary>
    /// <exception cref="ArgumentException">A tag is empty, or holds a control character (stores separate tags with one).</exception>
    public static IReadOnlyList<string> Normalize(IEnumerable<string>? tags, string parameterName)
    {
        if (tags is null)
        {
            return Array.Empty<string>();
        }

        var seen = new HashSet<string>(Comparer);
        var result = new List<string>();
        foreach (string? tag in tags)
        {
            if (string.IsNullOrWhiteSpace(tag))
            {
                throw new ArgumentException("A tag must not be empty or blank.", parameterName);
            }

            if (tag!.Any(char.IsControl))
            {
                throw new ArgumentException($"The tag '{tag}' holds a control character; a tag is text on one line.", parameterName);
            }

            if (seen.Add(tag))
            {
                result.Add(tag);
            }
        }

        return result;
    }

    /// <summary>Whether an entry with <paramref name="entryTags"/> has any of <paramref name="wanted"/>.</summary>
    public static bool HasAny(IReadOnlyList<string> entryTags, IReadOnlyCollection<string> wanted) =>
        entryTags.Any(tag => wanted.Contains(tag, Comparer));
}
