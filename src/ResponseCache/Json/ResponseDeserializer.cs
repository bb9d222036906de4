using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ResponseCache.Json;

/// <summary>
/// Reads a cached response's JSON back as ConvertFrom-Json would: objects as PSCustomObject, arrays as object[],
/// whole numbers as int (Windows PowerShell only), long or BigInteger, other numbers as double, and on PowerShell 7
/// ISO 8601 date-time text as DateTime (UTC for "Z", local for an offset, unspecified without one). A response with
/// an object that a PSCustomObject cannot hold (member names that differ only in case, such as the " the" and " The"
/// of token log probabilities, or an empty name), which ConvertFrom-Json refuses, is returned as its JSON text, as
/// Invoke-RestMethod returns such a body: nothing in it is lost or merged.
/// </summary>
internal static class ResponseDeserializer
{
    private static readonly JsonReaderOptions s_options = new JsonReaderOptions { MaxDepth = ResponseCache.Core.ResponseJson.MaxReadDepth };

    public static object? Deserialize(byte[] json)
    {
        var reader = new Utf8JsonReader(json, s_options);
        reader.Read();
        try
        {
            return ReadValue(ref reader);
        }
        catch (NotObjectsException)
        {
            return Encoding.UTF8.GetString(json);
        }
    }

    private static object? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return ReadObject(ref reader);
            case JsonTokenType.StartArray:
                var items = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader));
                }

                return items.ToArray();
            case JsonTokenType.String:
                return ReadString(reader.GetString()!);
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            default:
                return null;
        }
    }

    private static PSObject ReadObject(ref Utf8JsonReader reader)
    {
        var result = new PSObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            object? value = ReadValue(ref reader);
            PSPropertyInfo? existing = name.Length == 0 ? throw new NotObjectsException() : result.Properties[name];
            if (existing is null)
            {
                result.Properties.Add(new PSNoteProperty(name, value));
            }
            else if (string.Equals(existing.Name, name, StringComparison.Ordinal))
            {
                // A repeated member: the last one counts, as Python's json.loads reads it.
                existing.Value = value;
            }
            else
            {
                throw new NotObjectsException();
            }
        }

        return result;
    }

    // The date-time text PowerShell 7's ConvertFrom-Json (Json.NET) reads as [datetime]; Windows PowerShell's reads none.
    private static readonly Regex s_isoDateTime = new Regex(
        @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$",
        RegexOptions.CultureInvariant);

    private static object ReadString(string text)
    {
        if (!ModuleHost.IsWindowsPowerShell
            && text.Length >= 19
            && text.Length <= 33
            && s_isoDateTime.IsMatch(text)
            && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTime date))
        {
            return date;
        }

        return text;
    }

    private static object ReadNumber(ref Utf8JsonReader reader)
    {
        // PowerShell 7's ConvertFrom-Json returns every whole number that fits as [long]; Windows PowerShell's gives [int] when it fits.
        if (ModuleHost.IsWindowsPowerShell && reader.TryGetInt32(out int small))
        {
            return small;
        }

        if (reader.TryGetInt64(out long large))
        {
            return large;
        }

        if (IsWholeNumber(reader.ValueSpan))
        {
            return BigInteger.Parse(Encoding.UTF8.GetString(reader.ValueSpan.ToArray()), CultureInfo.InvariantCulture);
        }

        return reader.GetDouble();
    }

    private static bool IsWholeNumber(ReadOnlySpan<byte> number) =>
        number.IndexOf((byte)'.') < 0 && number.IndexOf((byte)'e') < 0 && number.IndexOf((byte)'E') < 0;

    private sealed class NotObjectsException : Exception
    {
    }
}
