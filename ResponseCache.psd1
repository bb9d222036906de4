@{
    # Valid where it stands, for editors and PSScriptAnalyzer: it names no RootModule (Test-ModuleManifest refuses one
    # that is not built yet) and finds its views in module/. build.ps1 ships it beside the assembly with
    # RootModule = 'ResponseCache.dll' and the format file's path in the module's folder; nothing else changes.
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '84601799-0dd6-4af1-8492-d6db82988a41'
    Author               = 'ResponseCache contributors'
    CompanyName          = 'ResponseCache contributors'
    Copyright            = '(c) ResponseCache contributors. MIT License.'
    Description          = 'Caches AI and API responses on disk, so scripts, consoles and scheduled jobs never pay twice for the same answer. TTL expiry, LRU eviction, atomic JSON persistence that several processes can share, in the file format of the Python CacheManager (ai_responses.json).'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.6.2'
    FormatsToProcess     = @('module/ResponseCache.format.ps1xml')
    CmdletsToExport      = @(
        'Get-CachedResponse'
        'Set-CachedResponse'
        'Get-CacheStats'
        'Clear-ResponseCache'
        'Remove-CachedResponse'
        'Get-CacheEntry'
        'Get-CacheSavings'
        'Get-ResponseCacheConfiguration'
        'Set-ResponseCacheConfiguration'
        'Copy-ResponseCache'
        'Invoke-CachedRestMethod'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('cache', 'AI', 'LLM', 'API', 'REST', 'JSON', 'TTL', 'LRU', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/responsecache/ResponseCache/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/responsecache/ResponseCache'
            ReleaseNotes = 'First release: Get-CachedResponse, Set-CachedResponse, Get-CacheStats and Clear-ResponseCache over a thread- and process-safe engine that reads and writes the Python CacheManager''s ai_responses.json.'
        }
    }
}
