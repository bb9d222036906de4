using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// -Price as a user writes it: <c>@{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00 } }</c>, per million tokens; the
/// inner values may also be objects with Input and Output properties (a .psd1's hashtables, ConvertFrom-Json's objects).
/// </summary>
internal static class PriceInput
{
    /// <exception cref="ArgumentException">The table is not of that shape.</exception>
    public static IReadOnlyList<ModelPrice> Read(IDictionary table)
    {
        var prices = new List<ModelPrice>();
        foreach (DictionaryEntry model in table)
        {
            string name = model.Key?.ToString() ?? string.Empty;
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A price needs a model name: each key of -Price is the model's name as its replies give it.");
            }

            RefuseOtherFields(name, model.Value);
            prices.Add(new ModelPrice(name, Number(name, model.Value, "Input"), Number(name, model.Value, "Output")));
        }

        return prices;
    }

    private static readonly string[] Fields = { "Input", "Output" };

    /// <exception cref="ArgumentException">The price names a field that is not Input or Output: a typo, or a price this cache does not use.</exception>
    private static void RefuseOtherFields(string model, object? price)
    {
        object? inner = price is PSObject wrapped ? wrapped.BaseObject : price;
        // A .NET object's other properties (a ModelPrice's Model) are its type's, not the user's typing.
        IEnumerable<string> names = inner is IDictionary dictionary ? dictionary.Keys.Cast<object>().Select(key => key?.ToString() ?? string.Empty)
            : inner is PSCustomObject ? PSObject.AsPSObject(price).Properties.Select(property => property.Name)
            : Array.Empty<string>();
        string? other = names.FirstOrDefault(name => !Fields.Contains(name, StringComparer.OrdinalIgnoreCase));
        if (other is not null)
        {
            throw new ArgumentException($"The price of '{model}' has '{other}', which is not a price this cache uses: give Input and Output per million tokens, as in @{{ '{model}' = @{{ Input = 2.50; Output = 10.00 }} }}.");
        }
    }

    private static double Number(string model, object? price, string field)
    {
        object? value = null;
        object? inner = price is PSObject wrapped ? wrapped.BaseObject : price;
        if (inner is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (string.Equals(entry.Key?.ToString(), field, StringComparison.OrdinalIgnoreCase))
                {
                    value = entry.Value;
                }
            }
        }
        else if (price is not null)
        {
            value = PSObject.AsPSObject(price).Properties[field]?.Value;
        }

        try
        {
            return value is null ? throw new InvalidCastException() : (double)LanguagePrimitives.ConvertTo(value, typeof(double), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is InvalidCastException || ex is PSInvalidCastException)
        {
            throw new ArgumentException($"The price of '{model}' needs {field} as a number per million tokens, as in @{{ '{model}' = @{{ Input = 2.50; Output = 10.00 }} }}.", ex);
        }
    }
}
