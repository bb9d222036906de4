using System;
using System.Collections;
using System.Collections.Generic;
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

            prices.Add(new ModelPrice(name, Number(name, model.Value, "Input"), Number(name, model.Value, "Output")));
        }

        return prices;
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
