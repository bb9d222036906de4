using System.Text;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// A damaged savings ledger or price file beside the cache is kept aside for a person to look at, as a damaged cache
/// file is, before the change that replaces it: what it held is never overwritten.
/// </summary>
public sealed class DamagedSidecarTests : CacheTestBase
{
    private static readonly byte[] Damaged = Encoding.UTF8.GetBytes("{\"days\": [1,2,{");

    private static byte[] OpenAiReply(int inputTokens) => Encoding.UTF8.GetBytes($"{{\"model\":\"gpt-4o\",\"usage\":{{\"prompt_tokens\":{inputTokens},\"completion_tokens\":1}}}}");

    [Fact]
    public void A_damaged_savings_ledger_is_kept_aside_before_a_change_starts_it_anew()
    {
        DirectoryCache engine = NewEngine();
        engine.SetMany(new[] { new KeyValuePair<string, byte[]>("a", OpenAiReply(100)), new KeyValuePair<string, byte[]>("b", OpenAiReply(7)) }, Roomy, Log, CancellationToken.None);
        Assert.NotNull(engine.Get("a", Roomy, Log));
        Assert.NotNull(engine.Get("b", Roomy, Log));
        engine.Flush(Log);
        File.WriteAllBytes(CacheFile + ".savings", Damaged);

        DirectoryCache other = NewEngine();
        Assert.Equal(1, other.RemoveMany(new[] { KeyHash.Compute("b") }, Log, CancellationToken.None));

        string aside = AsidePathOf(CacheFile + ".savings");
        Assert.Equal(Damaged, File.ReadAllBytes(aside));
        string warning = Assert.Single(Log.Warnings, warning => warning.Contains(".savings"));
        Assert.Contains(aside, warning);
        Assert.Contains("the JSON is broken near byte", warning);
        // The new ledger holds what the removal added: the entry still cached counts as it always does.
        Assert.Equal(100 + 7, NewEngine().GetStatistics(Roomy, Log).SavedInputTokens);
    }

    [Fact]
    public void A_damaged_price_file_is_kept_aside_before_a_new_price_replaces_it()
    {
        DirectoryCache engine = NewEngine();
        engine.SetPrices(new[] { new ModelPrice("gpt-4o", 2.50, 10.00) }, Array.Empty<string>(), Log, CancellationToken.None);
        byte[] damaged = File.ReadAllBytes(CacheFile + ".prices").Take(9).ToArray();
        File.WriteAllBytes(CacheFile + ".prices", damaged);

        NewEngine().SetPrices(new[] { new ModelPrice("gpt-4o-mini", 0.15, 0.60) }, Array.Empty<string>(), Log, CancellationToken.None);

        string aside = AsidePathOf(CacheFile + ".prices");
        Assert.Equal(damaged, File.ReadAllBytes(aside));
        Assert.Contains(aside, Assert.Single(Log.Warnings));
        Assert.Equal(new[] { "gpt-4o-mini" }, NewEngine().GetPrices(Log).All.Select(price => price.Model));
    }
}
