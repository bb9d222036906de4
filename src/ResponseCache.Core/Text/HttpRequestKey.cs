using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace ResponseCache.Core;

/// <summary>
/// The key of an HTTP request, so the same question is one entry however it was written and no secret is part of it:
/// the canonical JSON (<see cref="CanonicalJson"/>) of {"method", "uri", "headers", and one of "json", "form", "text"
/// or "bytes" for the body}. The method is upper case; the URI's scheme and host are lower case, its default port,
/// user information and fragment are dropped and its query parameters are sorted, less those that carry credentials;
/// only the headers that change the answer are in it, never a credential.
/// </summary>
public static class HttpRequestKey
{
    /// <summary>Headers that carry credentials: never part of a key, whatever the caller asks.</summary>
    public static readonly IReadOnlyCollection<string> SecretHeaders = new[]
    {
        "Authorization", "Proxy-Authorization", "Cookie", "api-key", "x-api-key", "x-goog-api-key", "Ocp-Apim-Subscription-Key",
    };

    /// <summary>Query parameters that carry credentials (Gemini's key=, Azure's api-key=): left out of the key.</summary>
    public static readonly IReadOnlyCollection<string> SecretQueryParameters = new[]
    {
        "key", "api-key", "api_key", "apikey", "access_token",
    };

    /// <summary>The headers that change the answer and so are in every key; -CacheKeyHeader adds others.</summary>
    public static readonly IReadOnlyCollection<string> AnswerHeaders = new[]
    {
        "Accept", "Accept-Language", "Content-Type", "anthropic-version", "anthropic-beta", "OpenAI-Beta",
    };

    private static readonly HashSet<string> s_secretHeaders = new HashSet<string>(SecretHeaders, StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> s_secretQuery = new HashSet<string>(SecretQueryParameters, StringComparer.OrdinalIgnoreCase);

    public static bool IsSecretHeader(string name) => s_secretHeaders.Contains(name);

    /// <summary>The key text of a request.</summary>
    /// <param name="headers">The request's headers; values of one name are joined by ", ".</param>
    /// <param name="keyHeaders">Headers beyond <see cref="AnswerHeaders"/> that change the answer; a secret header is refused.</param>
    /// <param name="body">The body, or null for none.</param>
    /// <exception cref="ArgumentException">A header in <paramref name="keyHeaders"/> carries credentials.</exception>
    public static string Compose(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, IEnumerable<string> keyHeaders, RequestBody? body)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The request's URI must be absolute.", nameof(uri));
        }

        var inKey = new HashSet<string>(AnswerHeaders, StringComparer.OrdinalIgnoreCase);
        foreach (string name in keyHeaders)
        {
            if (IsSecretHeader(name))
            {
                throw new ArgumentException($"The header '{name}' carries credentials, and no credential is ever part of a key: rotating it must keep the cache, and the cache must never hold it.");
            }

            inKey.Add(name);
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("method", method.ToUpperInvariant());
            writer.WriteString("uri", Normalize(uri));
            writer.WriteStartObject("headers");
            foreach (IGrouping<string, string> header in headers
                .Where(header => inKey.Contains(header.Key))
                .GroupBy(header => header.Key.ToLowerInvariant(), header => header.Value))
            {
                writer.WriteString(header.Key, string.Join(", ", header));
            }

            writer.WriteEndObject();
            body?.WriteTo(writer);
            writer.WriteEndObject();
        }

        return CanonicalJson.Canonicalize(buffer.ToArray());
    }

    /// <summary>Scheme and host in lower case, no default port, no user information or fragment, query parameters sorted.</summary>
    public static string Normalize(Uri uri)
    {
        string withoutQuery = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        string query = uri.GetComponents(UriComponents.Query, UriFormat.UriEscaped);
        if (query.Length == 0)
        {
            return withoutQuery;
        }

        IEnumerable<string> parameters = query.Split('&')
            .Where(parameter => parameter.Length > 0)
            .Select(parameter => (Name: parameter.Split('=')[0], Text: parameter))
            .Where(parameter => !s_secretQuery.Contains(Uri.UnescapeDataString(parameter.Name)))
            .OrderBy(parameter => parameter.Name, StringComparer.Ordinal)
            .ThenBy(parameter => parameter.Text, StringComparer.Ordinal)
            .Select(parameter => parameter.Text);
        string sorted = string.Join("&", parameters);
        return sorted.Length == 0 ? withoutQuery : withoutQuery + "?" + sorted;
    }
}
