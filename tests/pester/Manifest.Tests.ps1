<#
    The packaged module as the Gallery would take it: a valid manifest for both editions that exports exactly the
    assembly's cmdlets, the metadata Find-Module shows, the versioned folder with the System.Text.Json dependencies
    Windows PowerShell needs and no PowerShell SDK assembly, and an import in a fresh pwsh without errors.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifestPath = Get-ModuleUnderTestPath
    $packageDirectory = Split-Path $manifestPath -Parent
    $data = Import-PowerShellDataFile $manifestPath
    Import-Module $manifestPath -Force -ErrorAction Stop
}

Describe 'The module manifest' {
    It 'passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest $manifestPath -ErrorAction Stop

        $manifest.Name | Should -BeExactly 'ResponseCache'
        $manifest.Version | Should -Be ([version]$data.ModuleVersion)
    }

    It 'is for both editions and Windows PowerShell 5.1 up' {
        @($data.CompatiblePSEditions) | Sort-Object | Should -Be @('Core', 'Desktop')
        $data.PowerShellVersion | Should -BeExactly '5.1'
    }

    It 'lists its cmdlets explicitly, without wildcards' {
        $data.CmdletsToExport | Should -Not -BeNullOrEmpty
        $data.CmdletsToExport | Where-Object { $_ -match '[*?\[]' } | Should -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets the assembly implements' {
        $assembly = (Get-Module ResponseCache).ImplementingAssembly
        $implemented = $assembly.GetExportedTypes() |
            Where-Object { -not $_.IsAbstract -and $_.IsSubclassOf([System.Management.Automation.Cmdlet]) } |
            ForEach-Object {
                $attribute = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
                "$($attribute.VerbName)-$($attribute.NounName)"
            }

        @($data.CmdletsToExport) | Sort-Object | Should -Be (@($implemented) | Sort-Object)
        @((Get-Command -Module ResponseCache).Name) | Sort-Object | Should -Be (@($implemented) | Sort-Object)
        @((Get-Command -Module ResponseCache).CommandType | Sort-Object -Unique) | Should -Be @('Cmdlet')
    }

    It 'exports no functions, variables or aliases' -ForEach @(
        @{ Setting = 'FunctionsToExport' }
        @{ Setting = 'VariablesToExport' }
        @{ Setting = 'AliasesToExport' }
    ) {
        $data.ContainsKey($Setting) | Should -BeTrue -Because 'a missing setting exports everything'
        @($data[$Setting]).Count | Should -Be 0
    }

    It 'loads its format file, which ships in the package' {
        @($data.FormatsToProcess) | Should -Not -BeNullOrEmpty
        foreach ($format in $data.FormatsToProcess) {
            Join-Path $packageDirectory $format | Should -Exist
        }
        (Get-Module ResponseCache).ExportedFormatFiles | Split-Path -Leaf | Should -Be @($data.FormatsToProcess)
    }

    It 'is tagged with both editions and the three operating systems' {
        foreach ($tag in 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS') {
            $data.PrivateData.PSData.Tags | Should -Contain $tag
        }
        $data.PrivateData.PSData.Tags | Where-Object { $_ -match '\s' } | Should -BeNullOrEmpty -Because 'the Gallery refuses tags with spaces'
    }

    It 'names its project and licence as absolute URIs, and has release notes' {
        foreach ($setting in 'ProjectUri', 'LicenseUri') {
            $uri = $null
            [uri]::TryCreate($data.PrivateData.PSData[$setting], [UriKind]::Absolute, [ref]$uri) | Should -BeTrue -Because "$setting must be a URL"
            $uri.Scheme | Should -BeExactly 'https'
        }
        $data.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $data.Description | Should -Not -BeNullOrEmpty
        $data.Author | Should -Not -BeNullOrEmpty
    }
}

# Tools that read the source (PSScriptAnalyzer, editors) take ResponseCache.psd1 as it stands in the repository.
Describe 'The source manifest' {
    BeforeAll {
        $sourceManifest = Join-Path $PSScriptRoot '../../ResponseCache.psd1'
    }

    # In a fresh pwsh, strict and stopping on errors, as the source is all an editor or PSScriptAnalyzer has.
    It 'passes Test-ModuleManifest where it stands, before any build' {
        $run = Invoke-FreshPwsh -NoImport -Script @"
`$manifest = Test-ModuleManifest '$($sourceManifest -replace "'", "''")'
[pscustomobject]@{ Name = `$manifest.Name; Formats = @(`$manifest.ExportedFormatFiles | Split-Path -Leaf) } | ConvertTo-Json -Compress
"@

        $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
        $result = $run.Output | Select-Object -Last 1 | ConvertFrom-Json
        $result.Name | Should -BeExactly 'ResponseCache'
        $result.Formats | Should -Be @($data.FormatsToProcess)
    }

    It 'is the one manifest: the package ships it with the RootModule the build adds and its format file beside it, nothing else changed' {
        $shipped = @(Get-Content -LiteralPath $manifestPath | Where-Object { $_ -notmatch '^\s*RootModule\s*=' })
        $source = @(Get-Content -LiteralPath $sourceManifest)
        @(Get-Content -LiteralPath $manifestPath | Where-Object { $_ -match '^\s*RootModule\s*=' }) | Should -HaveCount 1
        $data.RootModule | Should -BeExactly 'ResponseCache.dll'
        $shipped.Count | Should -Be $source.Count
        $changed = @(0..($source.Count - 1) | Where-Object { $shipped[$_] -ne $source[$_] })
        $changed | Should -HaveCount 1
        $source[$changed[0]] | Should -Match "FormatsToProcess\s*=\s*@\('module/ResponseCache\.format\.ps1xml'\)"
        $shipped[$changed[0]] | Should -Match "FormatsToProcess\s*=\s*@\('ResponseCache\.format\.ps1xml'\)"
        @(Get-ChildItem (Join-Path $PSScriptRoot '../../module') -Filter *.psd1 -File -Recurse) | Should -BeNullOrEmpty -Because 'a second manifest would drift from the one that ships'
    }
}

Describe 'The package folder' {
    It 'is <name>/<ModuleVersion>, as PSResourceGet and PowerShellGet lay it out' {
        Split-Path $packageDirectory -Leaf | Should -BeExactly $data.ModuleVersion
        Split-Path (Split-Path $packageDirectory -Parent) -Leaf | Should -BeExactly 'ResponseCache'
    }

    It 'holds the root module and its engine' {
        Join-Path $packageDirectory $data.RootModule | Should -Exist
        Join-Path $packageDirectory 'ResponseCache.Core.dll' | Should -Exist
    }

    It 'holds <_>, which Windows PowerShell 5.1 does not have' -ForEach @(
        'System.Text.Json.dll'
        'System.Text.Encodings.Web.dll'
        'Microsoft.Bcl.AsyncInterfaces.dll'
        'System.Memory.dll'
        'System.Buffers.dll'
        'System.Runtime.CompilerServices.Unsafe.dll'
        'System.Threading.Tasks.Extensions.dll'
        'System.Numerics.Vectors.dll'
    ) {
        Join-Path $packageDirectory $_ | Should -Exist
    }

    It 'holds every assembly the module references that the runtime does not provide' {
        $shipped = @(Get-ChildItem $packageDirectory -Filter *.dll | ForEach-Object BaseName)
        $missing = foreach ($file in Get-ChildItem $packageDirectory -Filter *.dll) {
            foreach ($reference in [Reflection.Assembly]::LoadFile($file.FullName).GetReferencedAssemblies()) {
                $isFramework = $reference.Name -in 'netstandard', 'mscorlib', 'System', 'System.Core', 'System.Management.Automation' -or
                    $reference.Name -like 'Microsoft.PowerShell.*'
                if (-not $isFramework -and $reference.Name -notin $shipped) { "$($file.Name) -> $($reference.Name)" }
            }
        }

        $missing | Should -BeNullOrEmpty
    }

    It 'does not ship the PowerShell SDK: <_>' -ForEach @(
        'System.Management.Automation.dll'
        'Microsoft.PowerShell.Commands.Utility.dll'
        'Microsoft.PowerShell.CoreCLR.Eventing.dll'
    ) {
        Get-ChildItem $packageDirectory -Recurse -Filter $_ | Should -BeNullOrEmpty
    }

    It 'ships no build leftovers (pdb, deps.json)' {
        Get-ChildItem $packageDirectory -Recurse -Include *.pdb, *.deps.json | Should -BeNullOrEmpty
    }

    It 'ships the English help and the about topic' {
        Join-Path $packageDirectory 'en-US/ResponseCache.dll-Help.xml' | Should -Exist
        Join-Path $packageDirectory 'en-US/about_ResponseCache.help.txt' | Should -Exist
    }
}

Describe 'Importing the package in a fresh pwsh' {
    It 'loads the module and its cmdlets with no errors or warnings' {
        $run = Invoke-FreshPwsh -NoImport -Script @"
`$module = Import-Module '$($manifestPath -replace "'", "''")' -PassThru -WarningVariable warned 3>`$null
[pscustomobject]@{
    Version  = `$module.Version.ToString()
    Cmdlets  = @(`$module.ExportedCmdlets.Keys | Sort-Object)
    Warnings = @(`$warned).Count
    Errors   = `$Error.Count
} | ConvertTo-Json -Compress
"@

        $run.ExitCode | Should -Be 0 -Because ($run.Errors | Out-String)
        $result = $run.Output | Select-Object -Last 1 | ConvertFrom-Json

        $result.Version | Should -BeExactly $data.ModuleVersion
        $result.Cmdlets | Should -Be (@($data.CmdletsToExport) | Sort-Object)
        $result.Warnings | Should -Be 0
        $result.Errors | Should -Be 0
    }
}
