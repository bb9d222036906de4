<#
.SYNOPSIS
    Runs inside a fresh pwsh: which assemblies a session of file-cache calls loads from the module's folder.
.DESCRIPTION
    Imports the module and calls every cmdlet on a file cache (a set, a hit, a get-or-add, the listings, the
    statistics, the configuration, a copy to another folder, a removal and a clear), then prints one JSON line: the
    assemblies loaded from the module's folder and, of the names given, those loaded from anywhere. With
    -RedisConnectionString it then points one call at that server, so the same probe shows what using Redis loads.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $CacheDirectory,
    # Comma-separated: a fresh pwsh's -File passes an array as one string.
    [Parameter(Mandatory)] [string] $WatchedAssemblies,
    [string] $RedisConnectionString
)

$ErrorActionPreference = 'Stop'

Import-Module $ModuleManifest
$copy = "$CacheDirectory-copy"
Set-CachedResponse -Key 'probe|set' -Response 'a reply' -Path $CacheDirectory
if ($null -eq (Get-CachedResponse -Key 'probe|set' -Path $CacheDirectory)) { throw 'The file cache missed the entry just set.' }
$null = Get-CachedResponse -Key 'probe|produced' -Path $CacheDirectory -ScriptBlock { 'produced' }
$null = Get-CacheEntry -Path $CacheDirectory
$null = Get-CacheStats -Path $CacheDirectory
$null = Get-ResponseCacheConfiguration -Path $CacheDirectory
Copy-ResponseCache -Path $CacheDirectory -DestinationPath $copy
Remove-CachedResponse -Key 'probe|set' -Path $CacheDirectory
Clear-ResponseCache -Expired -Path $CacheDirectory
Clear-ResponseCache -Path $copy

if ($RedisConnectionString) {
    # Only what the call loads matters here, not whether the server answers.
    try { $null = Get-CachedResponse -Key 'probe|redis' -ConnectionString $RedisConnectionString -ErrorAction SilentlyContinue -WarningAction SilentlyContinue } catch { $null = $_ }
}

$moduleDirectory = [IO.Path]::GetFullPath((Split-Path $ModuleManifest))
$loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic }
[ordered]@{
    FromModuleFolder = @($loaded | Where-Object { $_.Location -and $_.Location.StartsWith($moduleDirectory) } | ForEach-Object { $_.GetName().Name } | Sort-Object)
    WatchedLoaded = @($loaded | ForEach-Object { $_.GetName().Name } | Where-Object { $_ -in ($WatchedAssemblies -split ',') } | Sort-Object)
} | ConvertTo-Json -Compress
