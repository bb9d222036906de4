using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Xml;
using ResponseCache.Core;

namespace ResponseCache.Json;

/// <summary>
/// Writes a PowerShell value as compact JSON, the way ConvertTo-Json would, except that a graph deeper than the
/// limit, a cycle, or a value JSON cannot hold is an error rather than a silent truncation:
/// strings, numbers, booleans and null as themselves; dates as ISO 8601 round-trip text; enums as their number;
/// dictionaries and PSCustomObjects as objects; other enumerables as arrays; any other object as its properties.
/// What would not read back as it was given is refused too: text with a lone surrogate, two members whose names are
/// one name to PowerShell (1 and '1', 'a' and 'A'), XML (which ConvertTo-Json writes as empty arrays), and a whole
/// number longer than Python parses.
/// </summary>
internal sealed class ResponseSerializer
{
    public const int DefaultMaxDepth = 64;

    /// <summary>The nesting the cache file can hold and read back.</summary>
    public const int MaxDepthLimit = ResponseCache.Core.ResponseJson.MaxDepth;

    /// <summary>Caps object graphs (a FileInfo's properties reach the whole drive) so they fail fast instead of writing for minutes.</summary>
    private const int MaxValues = 1_000_000;

    private static readonly JsonWriterOptions s_options = new JsonWriterOptions
    {
        Encoder = ResponseCache.Core.ResponseJson.Encoder,
        SkipValidation = true,
        MaxDepth = MaxDepthLimit,
    };

    private readonly int _maxDepth;
    private readonly HashSet<object> _open = new HashSet<object>(ReferenceComparer.Instance);

    // Where the writer is ("$response.choices[0].message"), and the .NET objects written as their properties on the
    // way there, so an error can say where the problem is and which live object led to it.
    private readonly List<string> _path;
    private readonly Stack<KeyValuePair<string, Type>> _liveObjects = new Stack<KeyValuePair<string, Type>>();
    private int _values;

    private const string UtcText = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'";

    private readonly bool _datesAsUtcText;

    private ResponseSerializer(int maxDepth, string root, bool datesAsUtcText)
    {
        _maxDepth = maxDepth;
        _path = new List<string> { root };
        _datesAsUtcText = datesAsUtcText;
    }

    /// <param name="root">How messages name the value: "$response", or "-Request" for a request given as the key.</param>
    public static byte[] Serialize(object? value, int maxDepth = DefaultMaxDepth, string root = "$response") =>
        Serialize(value, maxDepth, root, datesAsUtcText: false);

    /// <summary>
    /// A request as its key is made of: dates as the ISO 8601 text an API is sent, in UTC ("2024-01-01T00:00:00Z", no
    /// trailing zeros), so the key of a request read by ConvertFrom-Json, which turns such text into local [datetime]
    /// values, neither depends on the machine's time zone nor differs from the request's own JSON text.
    /// </summary>
    public static byte[] SerializeRequest(object? value, int maxDepth, string root) => Serialize(value, maxDepth, root, datesAsUtcText: true);

    private static byte[] Serialize(object? value, int maxDepth, string root, bool datesAsUtcText)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            new ResponseSerializer(maxDepth, root, datesAsUtcText).Write(writer, value, depth: 0);
        }

        return buffer.ToArray();
    }

    private void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        if (++_values > MaxValues)
        {
            throw NotData($"The response has more than {MaxValues:N0} values (at {CurrentPath}); cache a smaller projection of it (Select-Object).");
        }

        if (value is PSObject wrapped)
        {
            if (wrapped.BaseObject is PSCustomObject)
            {
                WriteContainer(writer, wrapped, depth, () => WriteProperties(writer, wrapped, depth));
                return;
            }

            value = wrapped.BaseObject;
        }

        switch (value)
        {
            case null:
            case DBNull:
                writer.WriteNullValue();
                return;
            case string text:
                EnsureUnicode(text, CurrentPath);
                writer.WriteStringValue(text);
                return;
            case char character:
                writer.WriteStringValue(character.ToString());
                return;
            case bool flag:
                writer.WriteBooleanValue(flag);
                return;
            case Enum enumValue:
                WriteEnum(writer, enumValue);
                return;
            case int or long or short or sbyte or byte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return;
            case ulong unsigned:
                writer.WriteNumberValue(unsigned);
                return;
            case decimal number:
                writer.WriteNumberValue(number);
                return;
            case double or float:
                WriteFloatingPoint(writer, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                return;
            case BigInteger big:
                writer.WriteRawValue(ReadableByPython(big), skipInputValidation: true);
                return;
            case DateTime date when _datesAsUtcText:
                writer.WriteStringValue(date.Kind == DateTimeKind.Unspecified
                    ? date.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF", CultureInfo.InvariantCulture)
                    : date.ToUniversalTime().ToString(UtcText, CultureInfo.InvariantCulture));
                return;
            case DateTimeOffset dateOffset when _datesAsUtcText:
                writer.WriteStringValue(dateOffset.UtcDateTime.ToString(UtcText, CultureInfo.InvariantCulture));
                return;
            case DateTime date:
                writer.WriteStringValue(date.ToString("o", CultureInfo.InvariantCulture));
                return;
            case DateTimeOffset dateOffset:
                writer.WriteStringValue(dateOffset.ToString("o", CultureInfo.InvariantCulture));
                return;
            case Guid or Uri or Version or TimeSpan:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            case XmlNode:
                throw NotData($"{CurrentPath} is XML, which has no JSON form of its own (ConvertTo-Json writes it as empty arrays); cache its text (.OuterXml) or the values you need.");
            case IDictionary dictionary:
                WriteContainer(writer, dictionary, depth, () => WriteDictionary(writer, dictionary, depth));
                return;
            case IEnumerable sequence:
                WriteContainer(writer, sequence, depth, () => WriteSequence(writer, sequence, depth));
                return;
            case ScriptBlock or Delegate:
                throw NotData($"{CurrentPath} is a [{value.GetType().FullName}], which is code, not data; cache what it produces instead.");
            case MemberInfo or IntPtr or UIntPtr:
                throw NotData($"{CurrentPath} is a [{value.GetType().FullName}], a piece of .NET's own machinery, not data.");
            default:
                PSObject adapted = PSObject.AsPSObject(value);
                _liveObjects.Push(new KeyValuePair<string, Type>(CurrentPath, value.GetType()));
                WriteContainer(writer, value, depth, () => WriteProperties(writer, adapted, depth));
                _liveObjects.Pop();
                return;
        }
    }

    private void WriteContainer(Utf8JsonWriter writer, object identity, int depth, Action writeBody)
    {
        if (depth >= _maxDepth)
        {
            throw new ResponseTooDeepException(_maxDepth);
        }

        // Every PSCustomObject shares one BaseObject, so a PSCustomObject's identity is the PSObject that holds its properties.
        object key = identity is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : identity;
        if (!_open.Add(key))
        {
            throw new ResponseCycleException(key.GetType().FullName ?? key.GetType().Name);
        }

        writeBody();
        _open.Remove(key);
    }

    private void WriteProperties(Utf8JsonWriter writer, PSObject source, int depth)
    {
        writer.WriteStartObject();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (PSPropertyInfo property in source.Properties)
        {
            if (!property.IsGettable)
            {
                continue;
            }

            EnsureNewName(names, property.Name);
            writer.WritePropertyName(property.Name);
            WriteAt("." + property.Name, writer, ReadProperty(property), depth);
        }

        writer.WriteEndObject();
    }

    private void WriteDictionary(Utf8JsonWriter writer, IDictionary dictionary, int depth)
    {
        writer.WriteStartObject();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry item in dictionary)
        {
            string name = Convert.ToString(item.Key, CultureInfo.InvariantCulture) ?? string.Empty;
            EnsureNewName(names, name);
            writer.WritePropertyName(name);
            WriteAt("['" + name + "']", writer, item.Value, depth);
        }

        writer.WriteEndObject();
    }

    private void WriteSequence(Utf8JsonWriter writer, IEnumerable sequence, int depth)
    {
        writer.WriteStartArray();
        int index = 0;
        foreach (object? item in sequence)
        {
            WriteAt("[" + index.ToString(CultureInfo.InvariantCulture) + "]", writer, item, depth);
            index++;
        }

        writer.WriteEndArray();
    }

    private string CurrentPath => string.Concat(_path);

    private void WriteAt(string segment, Utf8JsonWriter writer, object? value, int depth)
    {
        _path.Add(segment);
        Write(writer, value, depth + 1);
        _path.RemoveAt(_path.Count - 1);
    }

    // The outermost live .NET object on the way is what the script author put there, and what to fix.
    private ResponseNotSerializableException NotData(string problem)
    {
        if (_liveObjects.Count == 0)
        {
            return new ResponseNotSerializableException(problem);
        }

        KeyValuePair<string, Type> outermost = _liveObjects.ToArray()[_liveObjects.Count - 1];
        return new ResponseNotSerializableException(
            $"{problem} It was reached through {outermost.Key}, a [{outermost.Value.FullName}]: a live .NET object, not data. " +
            $"Cache the properties you need instead (Select-Object, or a [pscustomobject] of them).");
    }

    // PowerShell reads a JSON object's names without regard to case, so a second name equal to one before it, in any
    // case, would take the first one's place when the response is read back.
    private void EnsureNewName(Dictionary<string, string> names, string name)
    {
        EnsureUnicode(name, CurrentPath);
        if (names.TryGetValue(name, out string? earlier))
        {
            string how = string.Equals(earlier, name, StringComparison.Ordinal) ? "the same name" : "names that differ only in case";
            throw NotData($"{CurrentPath} has two members named '{earlier}' and '{name}', {how} in JSON as PowerShell reads it, so one would be lost. Give each a distinct name.");
        }

        names.Add(name, name);
    }

    private void EnsureUnicode(string text, string where)
    {
        int index = UnicodeText.IndexOfLoneSurrogate(text);
        if (index >= 0)
        {
            throw NotData($"{where} holds text that is not valid Unicode: character {index + 1:N0} is a lone surrogate (U+{(int)text[index]:X4}), which has no UTF-8 form and would come back as U+FFFD.");
        }
    }

    private string ReadableByPython(BigInteger value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        int digits = value.Sign < 0 ? text.Length - 1 : text.Length;
        if (digits > ResponseJson.MaxIntegerDigits)
        {
            throw NotData($"{CurrentPath} is a whole number of {digits:N0} digits; Python, which shares this cache, parses at most {ResponseJson.MaxIntegerDigits:N0} and would then load no entry at all. Cache it as text ([string]).");
        }

        return text;
    }

    // A property whose getter throws is written as null, as ConvertTo-Json does.
    private static object? ReadProperty(PSPropertyInfo property)
    {
        try
        {
            return property.Value;
        }
        catch (GetValueException)
        {
            return null;
        }
        catch (ExtendedTypeSystemException)
        {
            return null;
        }
    }

    private static void WriteEnum(Utf8JsonWriter writer, Enum value)
    {
        TypeCode code = value.GetTypeCode();
        if (code == TypeCode.UInt64)
        {
            writer.WriteNumberValue(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }
    }

    private void WriteFloatingPoint(Utf8JsonWriter writer, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw NotData($"{CurrentPath} is the number {value.ToString(CultureInfo.InvariantCulture)}, which JSON cannot represent.");
        }

        // Written as 3.0, not 3, so a whole [double] comes back as [double], as ConvertTo-Json and Python's json write it.
        if (Math.Abs(value) < 1e15 && Math.Floor(value) == value)
        {
            writer.WriteRawValue(value.ToString("0.0", CultureInfo.InvariantCulture), skipInputValidation: true);
            return;
        }

        writer.WriteNumberValue(value);
    }

    private sealed class ReferenceComparer : IEqualityComparer<object>
    {
        public static readonly ReferenceComparer Instance = new ReferenceComparer();

        public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

        public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
