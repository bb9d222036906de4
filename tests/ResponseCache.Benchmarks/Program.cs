using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using ResponseCache.Benchmarks;

// 'rss N' and 'fill DIR N' are the resident-memory probe and its helper, 'sharing-record ROUNDS N...' what the record of
// the module's last snapshot and the savings ledger cost; anything else goes to BenchmarkDotNet.
switch (args)
{
    case ["rss", string entries]:
        ResidentMemory.Measure(int.Parse(entries, CultureInfo.InvariantCulture));
        return 0;
    case ["sharing-record", string rounds, .. string[] entries]:
        SharingRecordCost.Measure(int.Parse(rounds, CultureInfo.InvariantCulture), entries.Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray());
        return 0;
    case ["fill", string directory, string entries]:
        BenchWorkload.Fill(directory, int.Parse(entries, CultureInfo.InvariantCulture));
        return 0;
}

// A noisy shared 2-core machine: few but fixed iterations, medians reported, and a run that ends in minutes.
IConfig config = DefaultConfig.Instance
    .AddJob(Job.Default
        .WithWarmupCount(3)
        .WithIterationCount(15)
        .WithId("Noisy2Core"))
    .AddExporter(JsonExporter.Brief)
    .AddColumn(StatisticColumn.Median)
    .WithOptions(ConfigOptions.DisableLogFile)
    // The default two minutes are not enough to build the generated project while other builds share the cores.
    .WithBuildTimeout(TimeSpan.FromMinutes(15));
var summary = BenchmarkRunner.Run<EngineBenchmarks>(config, args);
return summary.HasCriticalValidationErrors || summary.Reports.Length == 0 || summary.Reports.Any(report => !report.Success) ? 1 : 0;
