using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Contract;

/// <summary>What a storing call says about its entries: tags to list and remove them by, and a lifetime of their own.</summary>
public abstract partial class CacheContract
{
    protected static void SetTagged(ICacheBackend cache, string key, EntryOptions entry) =>
        cache.SetMany(new[] { new KeyValuePair<string, byte[]>(key, Responses.Json("answer to " + key)) }, Default, NullCacheLog.Instance, CancellationToken.None, entry);

    protected static EntryOptions Tagged(params string[] tags) => new(tags);

    protected static EntryOptions Lasting(TimeSpan lifetime) => new(expiresAfter: lifetime);

    private static string[] TagsOf(ICacheBackend cache, string key) =>
        cache.ListEntries(Default, NullCacheLog.Instance).Single(entry => entry.KeyHash == HashOf(key)).Tags;

    private static int RemoveTagged(ICacheBackend cache, params string[] tags) => cache.RemoveTagged(tags, NullCacheLog.Instance, CancellationToken.None);

    [ContractFact]
    public void Every_process_lists_the_tags_an_entry_was_stored_with_each_once()
    {
        ICacheBackend cache = NewCache();
        SetTagged(cache, "summary", Tagged("template-v1", "gpt-4o", "Template-V1"));
        GetOrAdd(cache, "produced", () => Responses.Json("made"));
        cache.GetOrAdd("tagged produced", Default, refresh: false, () => Responses.Json("made"), NullCacheLog.Instance, CancellationToken.None, Tagged("batch"));

        ICacheBackend elsewhere = SameCacheElsewhere(cache);
        Assert.Equal(new[] { "template-v1", "gpt-4o" }, TagsOf(elsewhere, "summary"));
        Assert.Empty(TagsOf(elsewhere, "produced"));
        Assert.Equal(new[] { "batch" }, TagsOf(elsewhere, "tagged produced"));
    }

    [ContractFact]
    public void Removal_by_tag_removes_exactly_the_entries_with_any_of_the_tags_in_any_case()
    {
        ICacheBackend cache = NewCache();
        SetTagged(cache, "a", Tagged("template-v1"));
        SetTagged(cache, "b", Tagged("template-v1", "gpt-4o"));
        SetTagged(cache, "c", Tagged("gpt-4o"));
        SetTagged(cache, "d", Tagged("template-v2"));
        Set(cache, "untagged", "kept");

        Assert.Equal(2, RemoveTagged(SameCacheElsewhere(cache), "TEMPLATE-V1"));

        Assert.Equal(Hashes("c", "d", "untagged"), Listed(cache));
        Assert.Null(Get(cache, "b"));
        Assert.Equal(new[] { "gpt-4o" }, TagsOf(cache, "c"));
        Assert.Equal(2, RemoveTagged(cache, "gpt-4o", "template-v2"));
        Assert.Equal(Hashes("untagged"), Listed(cache));
        Assert.Equal(0, RemoveTagged(cache, "gpt-4o", "no such tag"));
    }

    [ContractFact]
    public void An_entry_stored_again_without_a_tag_is_not_removed_by_it()
    {
        ICacheBackend cache = NewCache();
        SetTagged(cache, "question", Tagged("old-template"));
        SetTagged(cache, "question", Tagged("new-template"));
        SetTagged(cache, "other", Tagged("old-template"));
        Assert.Equal(1, RemoveTagged(cache, "old-template"));
        SetTagged(cache, "other", Tagged("new-template"));

        Assert.Equal(0, RemoveTagged(cache, "old-template"));
        Assert.Equal(Hashes("question", "other"), Listed(cache));
        Assert.Equal(2, RemoveTagged(cache, "new-template"));
    }

    [ContractFact]
    public void A_tag_that_is_blank_or_holds_a_control_character_is_refused_and_nothing_is_stored()
    {
        ICacheBackend cache = NewCache();

        Assert.Throws<ArgumentException>(() => SetTagged(cache, "question", Tagged("ok", " ")));
        Assert.Throws<ArgumentException>(() => SetTagged(cache, "question", Tagged("two\nlines")));
        Assert.Throws<ArgumentOutOfRangeException>(() => SetTagged(cache, "question", Lasting(TimeSpan.Zero)));

        Assert.Empty(Listed(cache));
    }

    [ContractFact]
    public void An_entry_with_a_shorter_lifetime_expires_then_for_every_process_and_the_others_keep_the_ttl()
    {
        ICacheBackend cache = NewCache();
        SetTagged(cache, "volatile", Lasting(TimeSpan.FromHours(1)));
        cache.GetOrAdd("volatile produced", Default, refresh: false, () => Responses.Json("made"), NullCacheLog.Instance, CancellationToken.None, Lasting(TimeSpan.FromHours(1)));
        Set(cache, "stable", "answer");
        DateTime lifetimeEnd = Clock.Now.AddHours(1).LocalDateTime;

        Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal("answer to volatile", Get(cache, "volatile"));
        CacheEntryInfo listed = cache.ListEntries(Default, NullCacheLog.Instance).Single(entry => entry.KeyHash == HashOf("volatile"));
        Assert.Equal(lifetimeEnd, listed.Expires!.Value, TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromMinutes(2));

        ICacheBackend elsewhere = SameCacheElsewhere(cache);
        Assert.Equal(2, Stats(elsewhere).ExpiredEntries);
        Assert.Null(Get(elsewhere, "volatile"));
        Assert.Null(GetOrAdd(elsewhere, "volatile produced", () => null));
        Assert.Equal("answer", Get(elsewhere, "stable"));
        RemoveExpired(elsewhere);
        Assert.Equal(Hashes("stable"), Listed(cache));
    }

    [ContractFact]
    public void A_lifetime_longer_than_the_ttl_ends_at_the_ttl()
    {
        ICacheBackend cache = NewCache();
        Configure(cache, ttlDays: 1);
        SetTagged(cache, "question", Lasting(TimeSpan.FromDays(30)));

        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        Assert.Null(Get(SameCacheElsewhere(cache), "question"));
    }

    [ContractFact]
    public void A_copy_keeps_the_tags_and_the_lifetime()
    {
        ICacheBackend source = NewCache();
        SetTagged(source, "volatile", new EntryOptions(new[] { "template-v1" }, TimeSpan.FromHours(1)));
        SetTagged(source, "stable", Tagged("template-v1", "gpt-4o"));

        ICacheBackend destination = NewCache();
        Assert.Equal(2, destination.Import(Export(source), NullCacheLog.Instance, CancellationToken.None));

        Assert.Equal(new[] { "template-v1", "gpt-4o" }, TagsOf(destination, "stable"));
        Assert.Equal("answer to volatile", Get(destination, "volatile"));
        Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(Get(destination, "volatile"));
        Assert.Equal(1, RemoveTagged(destination, "gpt-4o"));
        Assert.Null(Get(destination, "stable"));
    }
}
