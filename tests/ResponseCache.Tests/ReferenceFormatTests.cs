using System.Text.Json;
using System.Text.Json.Nodes;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>The file is shared with the Python CacheManager: each must read what the other writes.</summary>
public sealed class ReferenceFormatTests : CacheTestBase
{
    private JsonArray Reference(params object?[][] ops) => ReferenceCacheManager.Run(CacheDirectory, ops);

    private static object?[] Op(params object?[] parts) => parts;

    [PythonFact]
    public void A_file_written_by_the_reference_loads_in_the_engine()
    {
        Reference(Op("set", "question", "réponse 😀"), Op("set", "other", "second answer"));

        DirectoryCache engine = NewEngine();

        Assert.Equal("réponse 😀", Responses.Text(engine.Get("question", Policy(), Log)));
        Assert.Equal("second answer", Responses.Text(engine.Get("other", Policy(), Log)));
        Assert.Empty(Log.Warnings);
    }

    [PythonFact]
    public void A_file_written_by_the_engine_loads_in_the_reference()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("réponse 😀"), Policy());
        engine.Set("structured", "{\"answer\":42,\"list\":[1,\"two\"]}"u8.ToArray(), Policy());

        JsonArray results = Reference(Op("strict_load"), Op("get", "question"), Op("get", "structured"), Op("stats"));

        Assert.Equal(2, results[0]!.AsObject().Count);
        Assert.Equal("réponse 😀", results[1]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"answer\":42,\"list\":[1,\"two\"]}"), results[2]));
        Assert.Equal(2, results[3]!["total_entries"]!.GetValue<int>());
    }

    [PythonFact]
    public void Tags_and_lifetimes_survive_the_reference_rewriting_the_file_and_the_reference_ignores_the_lifetime()
    {
        DirectoryCache engine = NewEngine();
        engine.SetMany(new[] { new KeyValuePair<string, byte[]>("volatile", Responses.Json("soon stale")) }, Policy(), Log, default, new EntryOptions(new[] { "template-v1", "gpt-4o" }, TimeSpan.FromHours(1)));
        engine.Set("stable", Responses.Json("kept"), Policy());
        Clock.Advance(TimeSpan.FromMinutes(61));

        // The reference keeps its own TTL: an entry past its lifetime is still its hit.
        JsonArray results = Reference(Op("get", "volatile"), Op("set", "from python", "python's"), Op("strict_load"));

        Assert.Equal("soon stale", results[0]!.GetValue<string>());
        JsonNode written = results[2]![CacheFileContent.HashOf("volatile")]!;
        Assert.Equal(new[] { "template-v1", "gpt-4o" }, written["tags"]!.AsArray().Select(tag => tag!.GetValue<string>()));
        Assert.Equal(Clock.UnixSeconds - (61 * 60) + 3600, written["expires_at"]!.GetValue<double>(), 3);

        DirectoryCache reader = NewEngine();
        Assert.Null(reader.Get("volatile", Policy(), Log));
        Assert.Equal("kept", Responses.Text(reader.Get("stable", Policy(), Log)));
        Assert.Equal("python's", Responses.Text(reader.Get("from python", Policy(), Log)));
        engine.SetMany(new[] { new KeyValuePair<string, byte[]>("tagged again", Responses.Json("x")) }, Policy(), Log, default, new EntryOptions(new[] { "gpt-4o" }));
        Assert.Equal(new[] { "gpt-4o" }, NewEngine().ListEntries(Policy()).Single(entry => entry.KeyHash == CacheFileContent.HashOf("tagged again")).Tags);
    }

    [PythonFact]
    public void What_an_entry_cost_and_its_hits_survive_the_reference_rewriting_the_file()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", "{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":30}}"u8.ToArray(), Policy());
        Assert.NotNull(engine.Get("question", Policy(), Log));
        engine.Flush();

        JsonArray results = Reference(Op("set", "from python", "python's"), Op("strict_load"));

        JsonNode written = results[1]![CacheFileContent.HashOf("question")]!;
        Assert.Equal(120, written["input_tokens"]!.GetValue<long>());
        CacheEntryInfo entry = NewEngine().ListEntries(Policy()).Single(listed => listed.KeyHash == CacheFileContent.HashOf("question"));
        Assert.Equal(("gpt-4o", 120L, 30L, 1L), (entry.Model, entry.InputTokens, entry.OutputTokens, entry.Hits));
    }

    [PythonFact]
    public void Fields_the_engine_does_not_know_survive_its_rewrite()
    {
        CacheFileContent.Write(CacheFile, ("question", CacheFileContent.EntryJson(
            "\"answer\"", Clock.UnixSeconds, Clock.UnixSeconds, "\"model\": \"gpt-4\",\n    \"usage\": {\"tokens\": 12, \"nested\": [1, 2.5, null]}")));

        NewEngine().Set("other", Responses.Json("other"), Policy());

        JsonNode entry = Reference(Op("strict_load"))[0]![CacheFileContent.HashOf("question")]!;
        Assert.Equal("gpt-4", entry["model"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"tokens\": 12, \"nested\": [1, 2.5, null]}"), entry["usage"]));
        Assert.Equal("answer", entry["response"]!.GetValue<string>());
    }

    [PythonFact]
    public void The_timestamp_is_local_time_in_the_references_format_and_created_at_is_unix_seconds()
    {
        NewEngine().Set("question", Responses.Json("answer"), Policy());

        JsonElement entry = CacheFileContent.Entry(CacheFile, "question");
        string timestamp = entry.GetProperty("timestamp").GetString()!;
        Assert.Equal("2026-03-04 05:06:07", timestamp);
        Assert.Equal(Clock.Now.ToUnixTimeSeconds(), entry.GetProperty("created_at").GetDouble());
        Assert.Equal(entry.GetProperty("created_at").GetDouble(), entry.GetProperty("last_accessed").GetDouble());
        Assert.NotNull(Reference(Op("parse_timestamp", timestamp))[0]);
    }

    [PythonFact]
    public void Text_length_counts_like_pythons_len_with_characters_beyond_the_bmp_counting_once()
    {
        const string Key = "naïve 😀 𝄞 key";
        NewEngine().Set(Key, Responses.Json("answer"), Policy());
        long engineLength = CacheFileContent.Entry(CacheFile, Key).GetProperty("text_length").GetInt64();

        JsonArray results = Reference(Op("len", Key), Op("set", "python " + Key, "answer"), Op("strict_load"));

        Assert.Equal(results[0]!.GetValue<long>(), engineLength);
        Assert.Equal(results[0]!.GetValue<long>() + "python ".Length, results[2]![CacheFileContent.HashOf("python " + Key)]!["text_length"]!.GetValue<long>());
        Assert.NotEqual(Key.Length, engineLength);
    }

    [PythonFact]
    public void The_engine_sees_entries_the_reference_added_after_it_loaded_the_file()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("from engine", Responses.Json("engine answer"), Policy());

        Reference(Op("set", "from python", "python answer"));

        Assert.Equal("python answer", Responses.Text(engine.Get("from python", Policy())));
        Assert.Equal("engine answer", Responses.Text(engine.Get("from engine", Policy())));
    }

    [PythonFact]
    public void Both_agree_on_the_entry_name_for_a_key()
    {
        const string Key = "gpt-4|Übersetze|文本 😀";
        NewEngine().Set(Key, Responses.Json("engine"), Policy());

        JsonArray results = Reference(Op("get", Key));

        Assert.Equal("engine", results[0]!.GetValue<string>());
    }
}
