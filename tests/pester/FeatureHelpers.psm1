<#
.SYNOPSIS
    What the feature test files (objects, get-or-add, composed keys, maintenance) share beyond TestHelpers: a
    description of a value's types deep enough to compare two object graphs.
#>
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')

# The name the feature files first knew Write-CacheFile by.
Set-Alias -Name Write-ReferenceCacheFile -Value Write-CacheFile

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

Export-ModuleMember -Function Get-TypeShape -Alias Write-ReferenceCacheFile
