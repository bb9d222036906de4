using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace ResponseCache.Json;

/// <summary>
/// Reads a cached response's JSON back as ConvertFrom-Json would: objects as PSCustomObject, arrays as object[],
/// whole numbers as int (Windows PowerShell only), long or BigInteger, other numbers as double.
/// </summary>
internal static class ResponseDeserializer
{
    private static readonly JsonReaderOptions s_options = new JsonReaderOptions { MaxDepth = ResponseSerializer.MaxDepthLimit };

    public static object? Deserialize(byte[] json)
    {
        var reader = new Utf8JsonReader(json, s_options);
        reader.Read();
        return ReadValue(ref reader);
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
                return reader.GetString();
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
            PSPropertyInfo? existing = result.Properties[name];
            if (existing is null)
            {
                result.Properties.Add(new PSNoteProperty(name, value));
            }
            else
            {
                existing.Value = value;
            }
        }

        return result;
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
}
