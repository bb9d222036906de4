using System;
using System.Management.Automation;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache;

/// <summary>
/// The key of a request given as an object or as JSON text: its canonical JSON (<see cref="CanonicalJson"/>). An
/// object is first written as the module writes a response (as ConvertTo-Json sees it: dictionaries and
/// PSCustomObjects as objects, enums as numbers), with dates as ISO 8601 text in UTC, so a hashtable, an [ordered] dictionary in
/// another order, a PSCustomObject and the JSON text of the same request are one key.
/// </summary>
internal static class RequestKey
{
    private const string Root = "-Request";

    /// <exception cref="ArgumentException">The request has no JSON form, or is text that is not JSON.</exception>
    public static string From(object request)
    {
        object value = request is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : request;
        if (value is string text)
        {
            try
            {
                return CanonicalJson.Canonicalize(text);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException(
                    $"Text given to -Request must be the JSON of a request, as Invoke-RestMethod -Body sends it. {ex.Message} To key by plain text, use -Key.", ex);
            }
        }

        byte[] json;
        try
        {
            json = ResponseSerializer.SerializeRequest(request, ResponseJson.MaxDepth, Root);
        }
        catch (ResponseTooDeepException ex)
        {
            throw new ArgumentException($"{Root} nests deeper than {ResponseJson.MaxDepth} levels, the most a request key may.", ex);
        }
        catch (ResponseCycleException ex)
        {
            throw new ArgumentException($"{Root} refers to itself (a reference cycle), so it has no JSON form to be its key.", ex);
        }
        catch (ResponseNotSerializableException ex)
        {
            throw new ArgumentException($"{ex.Message} A request key is the request's JSON.", ex);
        }

        return CanonicalJson.Canonicalize(json);
    }
}
