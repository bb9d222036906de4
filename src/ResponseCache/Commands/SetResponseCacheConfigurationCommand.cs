using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ResponseCache.Core;

namespace ResponseCache.Commands;

/// <summary>
/// Changes the cache's own caps and TTL, stored beside it for every process. Lowering a cap evicts least recently
/// used entries at once (-WhatIf says how many). Medium impact: a scheduled job is not prompted.
/// </summary>
[Cmdlet(VerbsCommon.Set, "ResponseCacheConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(CacheConfiguration))]
public sealed class SetResponseCacheConfigurationCommand : ResponseCacheCommand
{
    /// <summary>Least recently used entries beyond this many are evicted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxEntries { get; set; }

    /// <summary>
    /// Least recently used entries are evicted until the entries fit in this many MiB; 0 removes the cap, and so does
    /// null, which is how a configuration piped in from Get-ResponseCacheConfiguration shows none.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSizeCap]
    public double? MaxSizeMB { get; set; }

    /// <summary>Entries older than this are removed; callers may accept less with their own -TtlDays.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateTtlDays(AllowZero = false)]
    public double? TtlDays { get; set; }

    /// <summary>Prices per million tokens by model, added to (or replacing those of the same models in) the cache's: @{ 'gpt-4o' = @{ Input = 2.50; Output = 10.00 } }.</summary>
    [Parameter]
    [ValidateNotNull]
    public System.Collections.Hashtable? Price { get; set; }

    /// <summary>A .psd1 (read as Import-PowerShellDataFile reads it, no code run) or .json file of prices in -Price's shape.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PriceFile { get; set; }

    /// <summary>Models whose prices are removed; '*' removes every price.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? RemovePrice { get; set; }

    /// <summary>Outputs the configuration the cache has afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        List<ModelPrice> prices = ReadPrices();
        long? maxBytes = MaxSizeMB is null && MyInvocation.BoundParameters.ContainsKey(nameof(MaxSizeMB)) ? 0 : SizeCap.ToBytes(MaxSizeMB);
        CacheConfigurationChange? preview = null;
        if (!TryCache(() => preview = Cache.Configure(MaxEntries, maxBytes, TtlDays, true, Log, Cancellation), Cache.Location))
        {
            return;
        }

        bool changesPrices = prices.Count > 0 || RemovePrice is not null;
        if (!ShouldProcess(Cache.Location, preview!.ToString() + (changesPrices ? "; " + DescribePriceChange(prices) : string.Empty)))
        {
            return;
        }

        ModelPrices? stored = null;
        IReadOnlyCollection<string> removals = Array.Empty<string>();
        if (changesPrices && !TryCache(() => removals = Removals(), Cache.Location))
        {
            return;
        }

        if (changesPrices && !TryCache(() => stored = Cache.SetPrices(prices, removals, Log, Cancellation), Cache.Location))
        {
            return;
        }

        CacheConfigurationChange? change = null;
        if (!TryCache(() => change = Cache.Configure(MaxEntries, maxBytes, TtlDays, false, Log, Cancellation), Cache.Location))
        {
            return;
        }

        if (PassThru)
        {
            ModelPrices shown = stored ?? ModelPrices.None;
            if (stored is null && !TryCache(() => shown = Cache.GetPrices(Log), Cache.Location))
            {
                return;
            }

            WriteObject(ConfigurationView.With(change!.Current, shown));
        }
    }

    private List<ModelPrice> ReadPrices()
    {
        var prices = new List<ModelPrice>();
        try
        {
            if (PriceFile is string file)
            {
                prices.AddRange(ReadPriceFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(file)));
            }

            if (Price is not null)
            {
                prices.AddRange(PriceInput.Read(Price));
            }

            if (RemovePrice is not null && prices.FirstOrDefault(price => RemovePrice.Contains(price.Model, ModelPrices.Comparer)) is ModelPrice both)
            {
                throw new ArgumentException($"'{both.Model}' is both given a price and named by -RemovePrice; give it one or the other.");
            }
        }
        catch (Exception ex) when (ex is ArgumentException || ex is FormatException || ex is System.IO.IOException || ex is UnauthorizedAccessException || ex is RuntimeException)
        {
            ErrorCategory category = ex is System.IO.FileNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument;
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidPrice, category, (object?)PriceFile ?? Price));
        }

        return prices;
    }

    private IReadOnlyList<ModelPrice> ReadPriceFile(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new System.IO.FileNotFoundException($"The price file '{path}' does not exist.", path);
        }

        // Read as a user's own script would: Import-PowerShellDataFile runs no code, ConvertFrom-Json takes what
        // Windows PowerShell writes (a byte order mark) and the shapes -Price takes.
        string reader =
            path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "param($path) $read = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json; $table = @{}; foreach ($model in $read.PSObject.Properties) { $table[$model.Name] = $model.Value }; $table"
            : path.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase) ? "param($path) Import-PowerShellDataFile -LiteralPath $path"
            : throw new ArgumentException($"-PriceFile takes a .psd1 or a .json file; '{path}' is neither.");
        System.Collections.ObjectModel.Collection<PSObject> read = InvokeCommand.InvokeScript(reader, path);
        return read.Count == 1 && read[0].BaseObject is System.Collections.IDictionary table
            ? PriceInput.Read(table)
            : throw new FormatException($"'{path}' holds no table of prices.");
    }

    /// <summary>The models -RemovePrice names ('*' every priced one), warning of those that have no price to remove, as a typo would.</summary>
    private IReadOnlyCollection<string> Removals()
    {
        if (RemovePrice is null)
        {
            return Array.Empty<string>();
        }

        ModelPrices current = Cache.GetPrices(Log);
        if (RemovePrice.Contains("*"))
        {
            return current.All.Select(price => price.Model).ToList();
        }

        foreach (string model in RemovePrice.Where(model => current.All.All(price => !ModelPrices.Comparer.Equals(price.Model, model))))
        {
            WriteWarning($"'{model}' has no price in this cache, so there was none to remove. Its prices: {(current.Count == 0 ? "none" : string.Join(", ", current.All.Select(price => $"'{price.Model}'")))}.");
        }

        return RemovePrice;
    }

    private string DescribePriceChange(IReadOnlyCollection<ModelPrice> prices)
    {
        var parts = new List<string>();
        if (prices.Count > 0)
        {
            parts.Add("set the prices of " + string.Join(", ", prices.Select(price => $"'{price.Model}'")));
        }

        if (RemovePrice is not null)
        {
            parts.Add("remove the prices of " + string.Join(", ", RemovePrice.Select(model => $"'{model}'")));
        }

        return string.Join("; ", parts);
    }
}
