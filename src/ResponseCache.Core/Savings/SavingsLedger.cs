using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ResponseCache.Core;

/// <summary>
/// The cache's own account of what it saved, beside its entries: what entries no longer in the cache (removed,
/// evicted, expired, cleared, replaced) had saved, per model, so the totals still count money that was saved; and
/// the hits of every UTC day, per model, for the last <see cref="KeptDays"/> days (aggregates, never a log of hits).
/// Model names compare as prices do (in any case); an entry whose reply names no model counts under "".
/// </summary>
public sealed class SavingsLedger
{
    /// <summary>How many days of hits are kept: a year and a month, so a year ago today is still there.</summary>
    public const int KeptDays = 400;

    private const string GoneField = "gone";
    private const string DaysField = "days";
    private const string HitsField = "hits";
    private const string InputField = "input_tokens";
    private const string OutputField = "output_tokens";
    private const string SecondsField = "producer_seconds";

    private readonly Dictionary<string, SavedTotals> _gone = new Dictionary<string, SavedTotals>(ModelPrices.Comparer);
    private readonly SortedDictionary<string, Dictionary<string, SavedTotals>> _days = new SortedDictionary<string, Dictionary<string, SavedTotals>>(StringComparer.Ordinal);

    /// <summary>What entries no longer in the cache had saved, by model.</summary>
    public IReadOnlyDictionary<string, SavedTotals> Gone => _gone;

    /// <summary>Each day's hits ("yyyy-MM-dd", UTC, oldest first), by model.</summary>
    public IEnumerable<KeyValuePair<string, IReadOnlyDictionary<string, SavedTotals>>> Days =>
        _days.Select(day => new KeyValuePair<string, IReadOnlyDictionary<string, SavedTotals>>(day.Key, day.Value));

    public bool IsEmpty => _gone.Count == 0 && _days.Count == 0;

    /// <summary>The UTC day a hit at <paramref name="time"/> is counted on.</summary>
    public static string DayOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The first day still kept when today is <paramref name="today"/>'s day.</summary>
    public static string FirstKeptDay(DateTimeOffset today) => DayOf(today.AddDays(-(KeptDays - 1)));

    /// <summary>An entry leaves the cache: what its hits saved stays counted.</summary>
    public void AddGone(EntryUsage usage, long hits)
    {
        if (hits > 0)
        {
            Totals(_gone, usage.Model).AddHits(usage, hits);
        }
    }

    public void AddGone(string? model, long hits, long inputTokens, long outputTokens, double producerSeconds) =>
        Totals(_gone, model).Add(hits, inputTokens, outputTokens, producerSeconds);

    /// <summary>Hits on an entry that cost <paramref name="usage"/>, on <paramref name="day"/>.</summary>
    public void AddHits(string day, EntryUsage usage, long hits)
    {
        if (hits > 0)
        {
            Totals(Day(day), usage.Model).AddHits(usage, hits);
        }
    }

    public void AddDay(string day, string? model, long hits, long inputTokens, long outputTokens, double producerSeconds) =>
        Totals(Day(day), model).Add(hits, inputTokens, outputTokens, producerSeconds);

    /// <summary>Adds another ledger's counts to this one's.</summary>
    public void Add(SavingsLedger other)
    {
        foreach (KeyValuePair<string, SavedTotals> gone in other._gone)
        {
            Totals(_gone, gone.Key).Add(gone.Value);
        }

        foreach (KeyValuePair<string, Dictionary<string, SavedTotals>> day in other._days)
        {
            foreach (KeyValuePair<string, SavedTotals> model in day.Value)
            {
                Totals(Day(day.Key), model.Key).Add(model.Value);
            }
        }
    }

    /// <summary>Forgets the days before <paramref name="firstKeptDay"/>: the ledger stays bounded.</summary>
    public void ForgetDaysBefore(string firstKeptDay)
    {
        foreach (string day in _days.Keys.Where(day => string.CompareOrdinal(day, firstKeptDay) < 0).ToList())
        {
            _days.Remove(day);
        }
    }

    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(GoneField);
            WriteModels(writer, _gone);
            writer.WriteEndObject();
            writer.WriteStartObject(DaysField);
            foreach (KeyValuePair<string, Dictionary<string, SavedTotals>> day in _days)
            {
                writer.WriteStartObject(day.Key);
                WriteModels(writer, day.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>A ledger in the form <see cref="ToJson"/> writes; members it does not know are skipped.</summary>
    /// <exception cref="FormatException">The JSON is not a ledger.</exception>
    public static SavingsLedger FromJson(byte[] json)
    {
        var ledger = new SavingsLedger();
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("it is not a JSON object");
            }

            if (root.TryGetProperty(GoneField, out JsonElement gone) && gone.ValueKind == JsonValueKind.Object)
            {
                ReadModels(gone, ledger._gone);
            }

            if (root.TryGetProperty(DaysField, out JsonElement days) && days.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty day in days.EnumerateObject().Where(day => day.Value.ValueKind == JsonValueKind.Object))
                {
                    ReadModels(day.Value, ledger.Day(day.Name));
                }
            }

            return ledger;
        }
        catch (JsonException ex)
        {
            throw new FormatException(BrokenJson.Describe(ex), ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException("a count in it is not a whole number", ex);
        }
    }

    private Dictionary<string, SavedTotals> Day(string day)
    {
        if (!_days.TryGetValue(day, out Dictionary<string, SavedTotals>? models))
        {
            _days[day] = models = new Dictionary<string, SavedTotals>(ModelPrices.Comparer);
        }

        return models;
    }

    private static SavedTotals Totals(Dictionary<string, SavedTotals> models, string? model)
    {
        string name = model ?? string.Empty;
        if (!models.TryGetValue(name, out SavedTotals? totals))
        {
            models[name] = totals = new SavedTotals();
        }

        return totals;
    }

    private static void WriteModels(Utf8JsonWriter writer, Dictionary<string, SavedTotals> models)
    {
        foreach (KeyValuePair<string, SavedTotals> model in models.OrderBy(model => model.Key, StringComparer.OrdinalIgnoreCase))
        {
            writer.WriteStartObject(model.Key);
            writer.WriteNumber(HitsField, model.Value.Hits);
            writer.WriteNumber(InputField, model.Value.InputTokens);
            writer.WriteNumber(OutputField, model.Value.OutputTokens);
            writer.WriteNumber(SecondsField, model.Value.ProducerSeconds);
            writer.WriteEndObject();
        }
    }

    private static void ReadModels(JsonElement models, Dictionary<string, SavedTotals> into)
    {
        foreach (JsonProperty model in models.EnumerateObject().Where(model => model.Value.ValueKind == JsonValueKind.Object))
        {
            Totals(into, model.Name).Add(Count(model.Value, HitsField), Count(model.Value, InputField), Count(model.Value, OutputField), Seconds(model.Value));
        }
    }

    private static long Count(JsonElement totals, string name) =>
        totals.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long count) && count > 0 ? count : 0;

    private static double Seconds(JsonElement totals) =>
        totals.TryGetProperty(SecondsField, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.GetDouble() is double seconds && seconds > 0 && !double.IsInfinity(seconds) ? seconds : 0;
}
