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
    public void Files_that_only_look_similar_are_neither_removed_nor_written_and_no_temp_file_of_ours_stays()
    {
        Directory.CreateDirectory(CacheDirectory);
        string pythonTemp = Path.Combine(CacheDirectory, "ai_responses.json.tmp");
        string otherTool = Path.Combine(CacheDirectory, "ai_responses.json.backup.tmp");
        File.WriteAllText(pythonTemp, "the reference's own temp name");
        File.WriteAllText(otherTool, "another tool's");

        NewEngine().Set("question", Responses.Json("answer"), Policy());
        NewEngine().Set("other", Responses.Json("other"), Policy());

        Assert.Equal("the reference's own temp name", File.ReadAllText(pythonTemp));
        Assert.Equal("another tool's", File.ReadAllText(otherTool));
        Assert.Equal(new[] { "ai_responses.json.backup.tmp", "ai_responses.json.tmp" }, FilesInCacheDirectory().Where(name => name.EndsWith(".tmp", StringComparison.Ordinal)).OrderBy(name => name, StringComparer.Ordinal));
        Assert.Equal(2, CacheFileContent.Entries(CacheFile).Count);
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

    [Theory]
    [InlineData(FaultPoint.Delete)]
    [InlineData(FaultPoint.EnumerateFiles)]
    public void An_abandoned_temp_file_that_cannot_be_removed_yet_does_not_fail_the_write_and_goes_later(FaultPoint fault)
    {
        NewEngine().Set("question", Responses.Json("answer"), Policy());
        File.WriteAllText(AbandonedTempPath, "{ half written");
        Disk.Fail(fault);

        NewEngine().Set("other", Responses.Json("other"), Policy());

        Assert.True(File.Exists(AbandonedTempPath));
        Assert.Equal(2, CacheFileContent.Entries(CacheFile).Count);
        Disk.Heal();
        NewEngine().Set("third", Responses.Json("third"), Policy());
        Assert.False(File.Exists(AbandonedTempPath));
    }

    [Fact]
    public void A_failed_write_whose_temp_file_cannot_be_deleted_reports_the_write_failure_and_the_next_write_removes_it()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());
        Disk.Fail(FaultPoint.Replace, "ai_responses.json");
        Disk.Fail(FaultPoint.Delete, ".tmp", FaultKind.AccessDenied);

        CacheStorageException error = Assert.Throws<CacheStorageException>(() => engine.Set("other", Responses.Json("other"), Policy()));

        Assert.Equal(CacheFile, error.Path);
        Assert.False(error.IsAccessDenied, "The error reports the failed cleanup instead of the failed write.");
        Assert.Single(FilesInCacheDirectory(), name => name.EndsWith(".tmp", StringComparison.Ordinal));
        Disk.Heal();
        engine.Set("third", Responses.Json("third"), Policy());
        Assert.Equal("answer", Responses.Text(engine.Get("question", Policy())));
        Assert.DoesNotContain(FilesInCacheDirectory(), name => name.EndsWith(".tmp", StringComparison.Ordinal));
    }
}
