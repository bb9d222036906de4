<#
.SYNOPSIS
    What the feature test files (objects, get-or-add, composed keys, maintenance) share beyond TestHelpers: cache
    files written by hand byte for byte as the Python reference writes them, and a description of a value's types deep
    enough to compare two object graphs.
#>
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')

function ConvertTo-UnixSeconds {
    param([Parameter(Mandatory)] [DateTimeOffset] $Time)
    $Time.ToUnixTimeMilliseconds() / 1000.0
}

<#
.SYNOPSIS
    Writes ai_responses.json as the Python reference's json.dump(indent=2) would, from entries
    @{ Key; Json (the response as raw JSON text); CreatedAt; LastAccessed } where the times are DateTimeOffsets
    (CreatedAt $null: an entry without created_at, which never expires). Entries are written in the order given.
#>
function Write-ReferenceCacheFile {
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [hashtable[]] $Entries
    )
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $invariant = [Globalization.CultureInfo]::InvariantCulture
    $blocks = foreach ($entry in $Entries) {
        $fields = [Collections.Generic.List[string]]::new()
        $fields.Add('    "response": ' + ($entry.Json -replace '\n', "`n    "))
        if ($null -ne $entry['CreatedAt']) {
            $fields.Add('    "timestamp": "' + $entry.CreatedAt.LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss', $invariant) + '"')
            $fields.Add('    "created_at": ' + (ConvertTo-UnixSeconds $entry.CreatedAt).ToString('R', $invariant))
        }
        if ($null -ne $entry['LastAccessed']) {
            $fields.Add('    "last_accessed": ' + (ConvertTo-UnixSeconds $entry.LastAccessed).ToString('R', $invariant))
        }
        $fields.Add('    "text_length": ' + $entry.Key.Length)
        '  "' + (Get-KeyHash $entry.Key) + "`": {`n" + ($fields -join ",`n") + "`n  }"
    }
    $path = Get-CacheFilePath $Directory
    [IO.File]::WriteAllText($path, "{`n" + ($blocks -join ",`n") + "`n}", [Text.UTF8Encoding]::new($false))
    $path
}

<#
.SYNOPSIS
    The .NET types of a value and of everything inside it, as one string, e.g. 'PSCustomObject{a:Int64,b:Object[][String]}',
    so two graphs that ConvertTo-Json renders alike can also be checked to hold the same types.
#>
function Get-TypeShape {
    param([AllowNull()] $Value)
    if ($null -eq $Value) { return 'null' }
    if ($Value -is [Management.Automation.PSCustomObject]) {
        $members = foreach ($property in $Value.PSObject.Properties) { $property.Name + ':' + (Get-TypeShape $property.Value) }
        return 'PSCustomObject{' + ($members -join ',') + '}'
    }
    if ($Value -is [Array]) {
        return $Value.GetType().Name + '[' + ((@($Value) | ForEach-Object { Get-TypeShape $_ }) -join ',') + ']'
    }
    $Value.GetType().Name
}

Export-ModuleMember -Function Write-ReferenceCacheFile, Get-TypeShape
