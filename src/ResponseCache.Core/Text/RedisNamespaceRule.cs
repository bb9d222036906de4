using System;
using System.Text.RegularExpressions;

namespace ResponseCache.Core;

/// <summary>
/// What a Redis namespace may be called: 1 to 128 characters, no white space, control characters or braces, since the
/// name sits inside the cluster hash tag of every key. The cmdlets check it when -Namespace binds, so a bad name never
/// loads the Redis client; the Redis backend checks it again for every other caller.
/// </summary>
public static class RedisNamespaceRule
{
    public const int MaxLength = 128;

    /// <summary>The rule as a regular expression, for a ValidatePattern attribute.</summary>
    public const string Pattern = @"^[^\s{}\p{Cc}]{1,128}$";

    private static readonly Regex s_pattern = new Regex(Pattern, RegexOptions.CultureInvariant);

    /// <exception cref="ArgumentException">The name breaks the rule.</exception>
    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            throw new ArgumentException($"A namespace must be 1 to {MaxLength} characters long.", "namespace");
        }

        UnicodeText.EnsureValid(name, $"The namespace '{name}'");

        // The whole name must match: "$" also matches before a final line feed, which the parameter binder lets through.
        Match match = s_pattern.Match(name);
        if (!match.Success || match.Length != name.Length)
        {
            throw new ArgumentException($"The namespace '{name}' is not valid: it must not contain white space, control characters, '{{' or '}}'.", "namespace");
        }
    }
}
