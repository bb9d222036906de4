using System.Collections.Generic;
using System.Linq;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>How the cmdlets that select by -Model pick and describe entries: any of the models their replies name, in any case, as prices match them.</summary>
internal static class ModelSelection
{
    public static bool Matches(CacheEntryInfo entry, IReadOnlyCollection<string> models) =>
        entry.Model is string model && models.Contains(model, ModelPrices.Comparer);

    public static string Describe(IReadOnlyCollection<string> models) =>
        (models.Count == 1 ? "of model " : "of any of the models ") + string.Join(", ", models.Select(model => $"'{model}'"));
}
