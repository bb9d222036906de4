using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

public sealed class LargeCacheTests : CacheTestBase
{
    [Fact]
    public void Thousands_of_entries_stay_reachable_through_removals_and_a_reload()
    {
        string[] keys = Enumerable.Range(0, 5000).Select(i => $"question {i}").ToArray();
        DirectoryCache engine = NewEngine();
        engine.SetMany(keys.Select(key => new KeyValuePair<string, byte[]>(key, Responses.Json("answer to " + key))).ToArray(), Roomy);
        string[] removed = keys.Where((_, i) => i % 3 == 0).ToArray();
        foreach (string key in removed)
        {
            Assert.True(engine.Remove(key));
        }

        DirectoryCache reloaded = NewEngine();
        foreach (string key in keys)
        {
            string? expected = removed.Contains(key) ? null : "answer to " + key;
            Assert.Equal(expected, Responses.Text(engine.Get(key, Roomy)));
            Assert.Equal(expected, Responses.Text(reloaded.Get(key, Roomy)));
        }
    }
}
