using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ResponseCache;

/// <summary>
/// Keeps key text as text. PowerShell binds any object to a [string] parameter by its ToString(), and a hashtable's is
/// its type name, so every hashtable would be one key. Text stays as it is, a number becomes its one invariant text (a
/// double in round-trip form, the same in Windows PowerShell and PowerShell 7), and anything else is handed on as a
/// <see cref="NotKeyText"/>, whose text the cmdlet recognizes and refuses as KeyNotText, naming the type. Throwing
/// here would give the binder's own error instead, and would keep a piped record's Key property from binding by name,
/// since the binder tries the record itself first.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class KeyTextTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>For a [string[]] parameter: each item is judged on its own.</summary>
    public bool EachItem { get; set; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (EachItem && value is IList items && value is not string)
        {
            var transformed = new object?[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                transformed[i] = AsKeyText(items[i]);
            }

            return transformed;
        }

        return AsKeyText(inputData);
    }

    private static object? AsKeyText(object? item)
    {
        object? value = item is PSObject wrapped ? wrapped.BaseObject : item;
        return value switch
        {
            null => null,
            string text => text,
            char character => character.ToString(),
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            float number => number.ToString("R", CultureInfo.InvariantCulture),
            int or long or short or sbyte or byte or ushort or uint or ulong or decimal or BigInteger => Convert.ToString(value, CultureInfo.InvariantCulture),
            _ => new NotKeyText(value),
        };
    }
}

/// <summary>
/// An object given where key text belongs. The binder turns it into text by <see cref="ToString"/>; that very string
/// (by reference, not by value) leads back to the object, so the cmdlet can refuse it by its type.
/// </summary>
internal sealed class NotKeyText
{
    private static readonly ConditionalWeakTable<string, NotKeyText> s_byText = new ConditionalWeakTable<string, NotKeyText>();

    private readonly string _text;

    public NotKeyText(object value)
    {
        Value = value;
        _text = string.Concat("[", value.GetType().FullName, "]");
        s_byText.Add(_text, this);
    }

    public object Value { get; }

    /// <summary>The object behind text that the binder made from a <see cref="NotKeyText"/>; false for any other text.</summary>
    public static bool TryFind(string? text, out NotKeyText found)
    {
        found = null!;
        return text is not null && s_byText.TryGetValue(text, out found!);
    }

    public override string ToString() => _text;
}
