<#
.SYNOPSIS
    The backends a backend-neutral test runs over, and a fresh cache on one of them as a splat: one test, three
    backends (a cache directory; Garnet when RESPONSECACHE_TEST_GARNET names it, as the Test task does; redis-server
    when it is on PATH).
.DESCRIPTION
    The pattern (the test names say which backend ran, through <Name>):

        BeforeDiscovery { Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force }
        BeforeAll { Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force; Import-ModuleUnderTest }

        Describe 'Get-CachedResponse on <Name>' -ForEach (Get-TestBackend) {
            BeforeEach { $cache = New-TestCache -Kind $Kind }
            It 'returns what Set-CachedResponse stored' {
                Set-CachedResponse -Key 'k' -Response 'r' @cache
                Get-CachedResponse -Key 'k' @cache | Should -BeExactly 'r'
            }
        }

    $cache is @{ Path = <a new directory under $TestDrive> } or @{ ConnectionString = ...; Namespace = <a new one> }.
    Entries of a chosen age (to test expiry without waiting for it) come from Write-TestCacheEntry.
#>
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
Import-Module (Join-Path $PSScriptRoot 'RedisServers.psm1')

$script:WarmServers = @{}

<#
.SYNOPSIS
    The backends for Describe -ForEach, at discovery time; starts nothing. Each is @{ Kind; Name }: Kind is
    'Directory', 'Garnet' or 'Redis', Name what the test names show ('a cache directory', 'garnet-server 2.2.8', ...).
#>
function Get-TestBackend {
    @{ Kind = 'Directory'; Name = 'a cache directory' }
    foreach ($server in Get-TestRedisServerKind) {
        if ($server.Kind -eq 'Garnet' -and -not $env:RESPONSECACHE_TEST_GARNET) { continue }
        @{ Kind = $server.Kind; Name = $server.Name }
    }
}

# A namespace no other test uses.
function New-TestNamespace {
    'pester-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
}

<#
.SYNOPSIS
    Waits until a server just started has answered a first write of this process's: its first scripts can take the
    server longer than the module's one-second timeout on a busy machine, and that is not what the tests are about.
#>
function Initialize-RedisServerUse {
    param([Parameter(Mandatory)] $Server)
    $warmUp = @{ ConnectionString = $Server.ConnectionString; Namespace = 'pester-warm-up' }
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    do {
        Set-CachedResponse -Key 'warm-up' -Response 1 @warmUp -ErrorAction SilentlyContinue -ErrorVariable failed -WarningAction SilentlyContinue
    } until (-not $failed -or [DateTime]::UtcNow -gt $deadline)
    if ($failed) { throw "$Server did not take writes within 30 seconds of its start: $failed" }
}

<#
.SYNOPSIS
    A fresh, empty cache on the backend -Kind, as a splat for every cmdlet: @{ Path = <a new directory under
    -Parent, $TestDrive by default> } or @{ ConnectionString = <the shared server's>; Namespace = <a new one> }.
    The shared server is started (and warmed up) on first use.
#>
function New-TestCache {
    param(
        [Parameter(Mandatory)] [ValidateSet('Directory', 'Garnet', 'Redis')] [string] $Kind,
        [string] $Parent
    )
    if ($Kind -eq 'Directory') {
        if (-not $Parent) { $Parent = (Get-PSDrive -Name TestDrive -ErrorAction Stop).Root }
        return @{ Path = New-CacheDirectoryPath -Parent $Parent }
    }
    $server = Get-TestRedisServer -Kind $Kind
    if (-not $script:WarmServers.ContainsKey($Kind)) {
        Initialize-RedisServerUse $server
        $script:WarmServers[$Kind] = $true
    }
    @{ ConnectionString = $server.ConnectionString; Namespace = New-TestNamespace }
}

# True when the splat names a cache directory.
function Test-DirectoryCache {
    param([Parameter(Mandatory)] [hashtable] $Cache)
    $Cache.ContainsKey('Path')
}

<#
.SYNOPSIS
    Puts entries of a chosen age into the cache of the splat, as Write-CacheFile describes them (Key, Response or
    Json, AgeDays or CreatedAt and LastAccessed), least recently used first. A directory gets them written by hand; a
    namespace gets them copied from such a directory (Copy-ResponseCache keeps their times and their order; the
    scratch directory has the namespace's TTL, so the copy leaves behind what the namespace would have expired). A
    namespace expires an entry on the server once it is older than the namespace's TtlDays, so an entry older than
    that is simply not there, as it would not be had it been written that long ago. Entries without created_at exist only in directories (the Python
    reference's hand-made entries): a namespace refuses them here.
#>
function Write-TestCacheEntry {
    param(
        [Parameter(Mandatory)] [hashtable] $Cache,
        [Parameter(Mandatory)] [hashtable[]] $Entries
    )
    if (Test-DirectoryCache $Cache) {
        $null = Write-CacheFile -Directory $Cache.Path -Entries $Entries
        return
    }
    foreach ($entry in $Entries) {
        if ($entry.ContainsKey('CreatedAt') -and $null -eq $entry.CreatedAt) { throw 'An entry without created_at exists only in a cache directory.' }
    }
    $scratch = New-CacheDirectoryPath -Parent ([IO.Path]::GetTempPath())
    try {
        $null = Write-CacheFile -Directory $scratch -Entries $Entries
        # The namespace's own TTL, so the scratch directory exports what the namespace keeps and gives it no
        # configuration of its own (Copy-ResponseCache hands a source's to a destination never configured).
        Set-ResponseCacheConfiguration -Path $scratch -TtlDays (Get-ResponseCacheConfiguration @Cache).TtlDays
        Copy-ResponseCache -Path $scratch -DestinationConnectionString $Cache.ConnectionString -DestinationNamespace $Cache.Namespace -ErrorAction Stop
    } finally {
        Remove-Item -LiteralPath $scratch -Recurse -Force -ErrorAction Ignore
    }
}

# The splat as parameters in a script's text, for a fresh process: "-Path '...'" or "-ConnectionString '...' -Namespace '...'".
function ConvertTo-CacheParameterText {
    param([Parameter(Mandatory)] [hashtable] $Cache)
    @(foreach ($name in $Cache.Keys | Sort-Object -Descending) { "-$name '$($Cache[$name] -replace "'", "''")'" }) -join ' '
}

# Where the cache's messages say it is: the cache file of a directory, the server and namespace of Redis.
function Get-TestCacheLocation {
    param([Parameter(Mandatory)] [hashtable] $Cache)
    if (Test-DirectoryCache $Cache) { Get-CacheFilePath $Cache.Path } else { (Get-CacheStats @Cache).Location }
}

# The splat of a cache as Copy-ResponseCache's destination: -DestinationPath, or -DestinationConnectionString and -DestinationNamespace.
function ConvertTo-DestinationSplat {
    param([Parameter(Mandatory)] [hashtable] $Cache)
    $destination = @{}
    foreach ($name in $Cache.Keys) { $destination["Destination$name"] = $Cache[$name] }
    $destination
}

Export-ModuleMember -Function ConvertTo-DestinationSplat, Get-TestBackend, New-TestNamespace, Initialize-RedisServerUse, New-TestCache, Test-DirectoryCache, Write-TestCacheEntry, ConvertTo-CacheParameterText, Get-TestCacheLocation
