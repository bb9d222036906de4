using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>Temp files of the atomic replace that a killed writer left behind.</summary>
public sealed class TempFileTests : CacheTestBase
{
    private string AbandonedTempPath => Path.Combine(CacheDirectory, "ai_responses.json.0123456789abcdef.tmp");

    [Fact]
    public void A_temp_file_abandoned_by_a_killed_writer_is_removed_by_the_next_write()
    {
        NewEngine().Set("question", Responses.Json("answer"), Policy());
        File.WriteAllText(AbandonedTempPath, "{ half written");

        NewEngine().Set("other", Responses.Json("other"), Policy());

        Assert.False(File.Exists(AbandonedTempPath));
        Assert.Equal(2, CacheFileContent.Entries(CacheFile).Count);
    }

    [Fact]
    public void Files_that_only_look_similar_are_not_removed()
    {
        Directory.CreateDirectory(CacheDirectory);
        string pythonTemp = Path.Combine(CacheDirectory, "ai_responses.json.tmp");
        string otherTool = Path.Combine(CacheDirectory, "ai_responses.json.backup.tmp");
        File.WriteAllText(pythonTemp, "{}");
        File.WriteAllText(otherTool, "{}");

        NewEngine().Set("question", Responses.Json("answer"), Policy());

        Assert.True(File.Exists(pythonTemp));
        Assert.True(File.Exists(otherTool));
    }

#if NET // File.CreateSymbolicLink is .NET 6+; .NET Framework runs the module on Windows only, where this Unix test is skipped.
    [UnixFact]
    public void A_symlink_planted_at_a_temp_file_name_is_removed_without_touching_its_target()
    {
        NewEngine().Set("question", Responses.Json("answer"), Policy());
        string victim = Path.Combine(OutsideDirectory, "victim.txt");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(AbandonedTempPath, victim);

        NewEngine().Set("other", Responses.Json("other"), Policy());

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.False(File.Exists(AbandonedTempPath));
    }
#endif
}
