using System.Diagnostics;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>
/// A hit on a cache whose lock file's counters did not move reads nothing but the counters (through a descriptor
/// kept open) and the snapshot's stat: what must still make it read the files again.
/// </summary>
public sealed class UnchangedCacheTests : CacheTestBase
{
    private string SettingsFile => CacheFile + ".settings";

    /// <summary>The Python reference's write: a temp file renamed over the snapshot, no lock taken, no counter moved.</summary>
    [LinuxFact]
    public void A_rewrite_by_a_program_that_takes_no_lock_is_seen_by_its_new_inode_at_the_same_size_and_time()
    {
        DirectoryCache reader = NewEngine();
        reader.Set("question", Responses.Json("answer A"), Policy());

        // A whole second, which every runtime sets exactly (Mono's utimes keeps microseconds only).
        DateTime written = new(File.GetLastWriteTimeUtc(CacheFile).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(CacheFile, written);
        Assert.Equal("answer A", Responses.Text(reader.Get("question", Policy())));
        long length = new FileInfo(CacheFile).Length;
        byte[] counters = File.ReadAllBytes(LockFile);

        string temp = CacheFile + ".by-hand";
        File.WriteAllText(temp, File.ReadAllText(CacheFile).Replace("answer A", "answer B"));
        File.SetLastWriteTimeUtc(temp, written);
        File.Delete(CacheFile);
        File.Move(temp, CacheFile);
        Assert.Equal((length, written), (new FileInfo(CacheFile).Length, File.GetLastWriteTimeUtc(CacheFile)));
        Assert.Equal(counters, File.ReadAllBytes(LockFile));

        Assert.Equal("answer B", Responses.Text(reader.Get("question", Policy())));
    }

    /// <remarks>
    /// A rewrite in place (the same inode) is seen by its size or its modification time; one that keeps both, within
    /// the file system's clock tick, is not seen until the snapshot is written again (about_ResponseCache says so).
    /// </remarks>
    [Fact]
    public void A_rewrite_in_place_by_a_program_that_takes_no_lock_is_seen_by_its_time_at_the_same_size()
    {
        DirectoryCache reader = NewEngine();
        reader.Set("question", Responses.Json("answer A"), Policy());
        Assert.Equal("answer A", Responses.Text(reader.Get("question", Policy())));
        DateTime written = File.GetLastWriteTimeUtc(CacheFile);

        File.WriteAllText(CacheFile, File.ReadAllText(CacheFile).Replace("answer A", "answer B"));
        File.SetLastWriteTimeUtc(CacheFile, written.AddSeconds(1));

        Assert.Equal("answer B", Responses.Text(reader.Get("question", Policy())));
    }

    [Fact]
    public void A_settings_file_edited_by_hand_is_read_at_the_next_change_of_the_cache_by_any_process()
    {
        DirectoryCache reader = NewEngine();
        reader.Configure(maxEntries: 1000);
        reader.Set("question", Responses.Json("answer"), CachePolicy.Default);
        Assert.Equal(1000, reader.GetStatistics(CachePolicy.Default).MaxEntries);

        File.WriteAllText(SettingsFile, "{\"max_entries\": 5000, \"ttl_days\": 7}");
        NewEngine().Set("another question", Responses.Json("another answer"), CachePolicy.Default);

        Assert.Equal(5000, reader.GetStatistics(CachePolicy.Default).MaxEntries);
    }

    [Fact]
    public void A_settings_file_edited_by_hand_is_what_the_configuration_reads_at_once()
    {
        DirectoryCache engine = NewEngine();
        engine.Configure(ttlDays: 7);
        engine.Set("question", Responses.Json("answer"), CachePolicy.Default);
        Assert.Equal(7, engine.GetConfiguration().TtlDays);

        File.WriteAllText(SettingsFile, "{\"max_entries\": 100, \"ttl_days\": 1}");

        Assert.Equal(1, engine.GetConfiguration().TtlDays);
    }

    [LinuxFact]
    public void The_descriptor_kept_for_the_counters_is_not_inherited_by_a_started_process()
    {
        DirectoryCache engine = NewEngine();
        engine.Set("question", Responses.Json("answer"), Policy());
        Assert.NotNull(engine.Get("question", Policy()));
        string lockFile = Path.GetFullPath(LockFile);
        string mine = FilesOpenIn(Process.GetCurrentProcess().Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(mine.Contains(lockFile), lockFile + " not in " + mine);

        string childFiles = FilesOpenIn("$$");

        Assert.Contains("pipe:", childFiles, StringComparison.Ordinal);
        Assert.DoesNotContain(lockFile, childFiles, StringComparison.Ordinal);
    }

    /// <summary>The next writer makes a new lock file; the deleted one, still open, would keep its counters forever.</summary>
    [Fact]
    public void A_lock_file_deleted_by_hand_does_not_hide_the_next_writers_changes()
    {
        DirectoryCache reader = LargeCache();
        Assert.NotNull(reader.Get("key 1", Roomy));

        File.Delete(LockFile);
        DirectoryCache writer = NewEngine();
        writer.Set("new question", Responses.Json("new answer"), Roomy);
        Assert.True(JournalLength > 0, "The write should be in the journal, the snapshot left as it was.");
        Assert.Equal("new answer", Responses.Text(reader.Get("new question", Roomy)));

        File.Delete(LockFile);
        Assert.Equal(LargeCacheEntries + 1, writer.Clear());
        Assert.Null(reader.Get("key 1", Roomy));
        Assert.Null(reader.Get("new question", Roomy));
    }

    [Fact]
    public void A_cache_directory_removed_and_made_again_by_another_process_is_read_anew()
    {
        DirectoryCache reader = NewEngine();
        reader.Set("question", Responses.Json("old answer"), Policy());
        Assert.NotNull(reader.Get("question", Policy()));

        Directory.Delete(CacheDirectory, recursive: true);
        Assert.Null(reader.Get("question", Policy()));

        NewEngine().Set("another question", Responses.Json("another answer"), Policy());
        Assert.Null(reader.Get("question", Policy()));
        Assert.Equal("another answer", Responses.Text(reader.Get("another question", Policy())));
    }

    [Fact]
    public void Counters_that_cannot_be_read_make_a_hit_look_at_the_journal_instead()
    {
        DirectoryCache reader = LargeCache();
        Assert.NotNull(reader.Get("key 1", Roomy));
        Disk.Fail(FaultPoint.ReadWithoutLocking, ".lock");

        NewEngine().Set("new question", Responses.Json("new answer"), Roomy);
        Assert.True(JournalLength > 0, "The write should be in the journal, the snapshot left as it was.");

        Assert.Equal("new answer", Responses.Text(reader.Get("new question", Roomy)));
        Assert.True(Disk.FaultsInjected > 0);
    }

    /// <summary>What a started shell reads of a process's open descriptors: "$$" for the shell's own, which it inherited.</summary>
    private static string FilesOpenIn(string process)
    {
        var start = new ProcessStartInfo("/bin/sh", $"-c \"for f in /proc/{process}/fd/*; do readlink \\\"$f\\\"; done\"")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process shell = Process.Start(start)!;
        string files = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();
        return files;
    }
}
