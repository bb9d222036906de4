<#
    The engine precompiled for PowerShell 7: ReadyToRun/<rid>/ResponseCache.Core.dll in the package, each the root's IL
    assembly compiled for one platform. A fresh pwsh binds the engine to its platform's image, and to the IL copy at the
    root when that image is missing, damaged or built for another platform, with the cmdlets working either way.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $packageDirectory = Split-Path (Get-ModuleUnderTestPath) -Parent
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $platformRid = "$os-$([Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture)".ToLowerInvariant()

    function Get-PEImage {
        param([Parameter(Mandatory)] [string] $Path)
        $reader = [Reflection.PortableExecutable.PEReader]::new([IO.File]::OpenRead($Path))
        try {
            $metadata = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($reader)
            [pscustomobject]@{
                Machine      = [int] $reader.PEHeaders.CoffHeader.Machine
                IsReadyToRun = $reader.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0
                Mvid         = $metadata.GetGuid($metadata.GetModuleDefinition().Mvid)
            }
        } finally {
            $reader.Dispose()
        }
    }

    # A copy of the package under $TestDrive, to damage; returns its folder.
    function Copy-Package {
        $copy = Join-Path $TestDrive ('package-' + [guid]::NewGuid().ToString('N'))
        Copy-Item -LiteralPath $packageDirectory -Destination $copy -Recurse
        $copy
    }

    # Stores and reads an entry in a fresh pwsh that imports the package in -Directory; returns the response read and
    # the paths of every ResponseCache.Core that process loaded.
    function Invoke-FreshImport {
        param([Parameter(Mandatory)] [string] $Directory)
        $cache = New-CacheDirectoryPath -Parent $TestDrive
        $run = Use-EnvironmentVariable -Variables @{ RESPONSECACHE_TEST_MODULE = Join-Path $Directory 'ResponseCache.psd1' } -ScriptBlock {
            Invoke-FreshPwsh -Script @"
Set-CachedResponse -Key 'precompiled' -Response 'engine' -Path '$cache'
[pscustomobject]@{
    Response = Get-CachedResponse -Key 'precompiled' -Path '$cache'
    Engine   = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'ResponseCache.Core' } | ForEach-Object Location)
} | ConvertTo-Json -Compress
"@
        }
        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $run.Errors | Should -BeNullOrEmpty
        $run.Output -join '' | ConvertFrom-Json
    }
}

Describe 'The precompiled engine in the package' {
    # The PE machine of a ReadyToRun image is its architecture's, XOR a constant for its OS (none for Windows).
    It 'holds the engine compiled for <Rid>' -ForEach @(
        @{ Rid = 'win-x64'; Machine = 0x8664 }
        @{ Rid = 'win-x86'; Machine = 0x014C }
        @{ Rid = 'win-arm64'; Machine = 0xAA64 }
        @{ Rid = 'linux-x64'; Machine = 0x8664 -bxor 0x7B79 }
        @{ Rid = 'linux-arm64'; Machine = 0xAA64 -bxor 0x7B79 }
        @{ Rid = 'osx-x64'; Machine = 0x8664 -bxor 0x4644 }
        @{ Rid = 'osx-arm64'; Machine = 0xAA64 -bxor 0x4644 }
    ) {
        $image = Get-PEImage (Join-Path $packageDirectory "ReadyToRun/$Rid/ResponseCache.Core.dll")

        $image.IsReadyToRun | Should -BeTrue
        '0x{0:X4}' -f $image.Machine | Should -BeExactly ('0x{0:X4}' -f $Machine)
        $image.Mvid | Should -Be (Get-PEImage (Join-Path $packageDirectory 'ResponseCache.Core.dll')).Mvid -Because 'the image must be the IL assembly it sits beside, compiled'
    }

    It 'keeps the IL copy at the root, for Windows PowerShell and the platforms without an image' {
        (Get-PEImage (Join-Path $packageDirectory 'ResponseCache.Core.dll')).IsReadyToRun | Should -BeFalse
    }
}

Describe 'Importing in a fresh pwsh' {
    It 'binds the engine to the image for this platform, and the cmdlets work' {
        $image = Join-Path $packageDirectory "ReadyToRun/$platformRid/ResponseCache.Core.dll"
        if (-not (Test-Path -LiteralPath $image)) {
            Set-ItResult -Skipped -Because "no image is built for $platformRid"
            return
        }

        $result = Invoke-FreshImport -Directory $packageDirectory

        $result.Response | Should -BeExactly 'engine'
        $result.Engine | Should -Be @((Resolve-Path -LiteralPath $image).Path) -Because 'the engine must load once, from the image'
    }

    It 'binds the engine to the IL copy, and the cmdlets work, when the image for this platform is <Damage>' -ForEach @(
        @{ Damage = 'missing'; Make = { param($image) Remove-Item -LiteralPath (Split-Path (Split-Path $image)) -Recurse } }
        @{ Damage = 'garbage'; Make = { param($image) [IO.File]::WriteAllBytes($image, [byte[]] (1..5000 | ForEach-Object { $_ % 251 })) } }
        @{ Damage = 'truncated'; Make = { param($image) [IO.File]::WriteAllBytes($image, [IO.File]::ReadAllBytes($image)[0..8191]) } }
        @{ Damage = 'empty'; Make = { param($image) [IO.File]::WriteAllBytes($image, [byte[]] @()) } }
        # The runtime refuses such an image only after binding its name, and then the IL copy too, unless it is never loaded.
        @{ Damage = 'built for another platform'; Make = {
                param($image)
                $own = Split-Path $image
                $other = Get-ChildItem (Split-Path $own) -Directory | Where-Object FullName -NE $own | Select-Object -First 1
                Copy-Item -LiteralPath (Join-Path $other.FullName 'ResponseCache.Core.dll') -Destination $image -Force
            }
        }
    ) {
        $copy = Copy-Package
        $image = Join-Path $copy "ReadyToRun/$platformRid/ResponseCache.Core.dll"
        if ($Damage -ne 'missing' -and -not (Test-Path -LiteralPath $image)) {
            Set-ItResult -Skipped -Because "no image is built for $platformRid"
            return
        }
        & $Make $image

        $result = Invoke-FreshImport -Directory $copy

        $result.Response | Should -BeExactly 'engine'
        $result.Engine | Should -Be @((Resolve-Path -LiteralPath (Join-Path $copy 'ResponseCache.Core.dll')).Path)
    }
}
