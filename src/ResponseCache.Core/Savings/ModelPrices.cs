using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ResponseCache.Core;

/// <summary>
/// The user's prices, by model name as the replies give it (compared in any case), kept in the cache's
/// configuration as <c>{"gpt-4o": {"input": 2.5, "output": 10}}</c>. Never a built-in list: prices change, and
/// only the user knows theirs.
/// </summary>
public sealed class ModelPrices
{
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    private const string InputField = "input";
    private const string OutputField = "output";

    private readonly Dictionary<string, ModelPrice> _byModel;

    private ModelPrices(IEnumerable<ModelPrice> prices)
    {
        _byModel = new Dictionary<string, ModelPrice>(Comparer);
        foreach (ModelPrice price in prices)
        {
            _byModel[price.Model] = price;
        }
    }

    public static ModelPrices None { get; } = new ModelPrices(Array.Empty<ModelPrice>());

    /// <summary>The prices, by model name.</summary>
    public IReadOnlyList<ModelPrice> All => _byModel.Values.OrderBy(price => price.Model, StringComparer.OrdinalIgnoreCase).ToList();

    public int Count => _byModel.Count;

    /// <summary>
    /// The price of the model; null for a model without one (or no model). Replies name the dated release that
    /// answered ("gpt-4o-2024-08-06", "claude-sonnet-4-20250514") where the user priced the model they asked for, so
    /// a name without a price of its own takes the price of the name before its release date.
    /// </summary>
    public ModelPrice? For(string? model)
    {
        if (model is null)
        {
            return null;
        }

        if (_byModel.TryGetValue(model, out ModelPrice? price))
        {
            return price;
        }

        Match dated = ReleaseDate.Match(model);
        return dated.Success && _byModel.TryGetValue(dated.Groups["model"].Value, out price) ? price : null;
    }

    private static readonly Regex ReleaseDate = new Regex(@"^(?<model>.+)-(?:\d{4}-\d{2}-\d{2}|\d{8})$", RegexOptions.CultureInvariant);

    /// <summary>These prices with <paramref name="changes"/> added or replacing those of their models, and the models in <paramref name="removals"/> taken out.</summary>
    public ModelPrices With(IEnumerable<ModelPrice> changes, IEnumerable<string> removals)
    {
        var gone = new HashSet<string>(removals, Comparer);
        return new ModelPrices(_byModel.Values.Where(price => !gone.Contains(price.Model)).Concat(changes));
    }

    public bool SameAs(ModelPrices other) => Count == other.Count && _byModel.Values.All(price => price.Equals(other.For(price.Model)));

    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (ModelPrice price in All)
            {
                writer.WriteStartObject(price.Model);
                writer.WriteNumber(InputField, price.Input);
                writer.WriteNumber(OutputField, price.Output);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>Prices in the form <see cref="ToJson"/> writes (field names in any case).</summary>
    /// <exception cref="FormatException">The JSON is not an object of models, each with an input and an output price.</exception>
    public static ModelPrices FromJson(byte[] json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"it holds a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object of models");
            }

            var prices = new List<ModelPrice>();
            foreach (JsonProperty model in document.RootElement.EnumerateObject())
            {
                prices.Add(new ModelPrice(model.Name, Number(model, InputField), Number(model, OutputField)));
            }

            return new ModelPrices(prices);
        }
        catch (JsonException ex)
        {
            throw new FormatException(BrokenJson.Describe(ex), ex);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    private static double Number(JsonProperty model, string field)
    {
        if (model.Value.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in model.Value.EnumerateObject())
            {
                if (string.Equals(property.Name, field, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Number)
                {
                    return property.Value.GetDouble();
                }
            }
        }

        throw new FormatException($"the price of '{model.Name}' needs a number named '{field}' (per million tokens)");
    }
}
