<#
    What a -Confirm prompt says, as a user at a console sees it: the same as -WhatIf (how many entries a clear
    removes, whether a key is cached). A non-interactive pwsh refuses prompts, so the commands run in a runspace of the
    test's own whose host (RecordingHost.cs) keeps each prompt and answers No.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    if (-not ('ResponseCacheTests.RecordingHost' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'RecordingHost.cs')
    }

    # The prompts the script's commands showed, each caption and message as one text; every prompt is answered No.
    function Get-ConfirmPrompt {
        param([Parameter(Mandatory)] [string] $Script)
        $recorder = [ResponseCacheTests.RecordingHost]::new('No')
        $runspace = [runspacefactory]::CreateRunspace($recorder)
        $shell = [powershell]::Create()
        try {
            $runspace.Open()
            $shell.Runspace = $runspace
            $null = $shell.AddScript("Import-Module '$((Get-ModuleUnderTestPath) -replace "'", "''")'`n$Script").Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
            @($recorder.Prompts)
        } finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }

    function Get-PromptText([string] $Action, [string] $Target) {
        "Performing the operation `"$Action`" on target `"$Target`"."
    }
}

Describe 'The -Confirm prompt' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
        # Two of the four past the default TTL of 7 days.
        $cacheFile = Write-CacheFile -Directory $dir -Entries @(
            @{ Key = 'old 1'; Response = 'stale'; AgeDays = 10 }
            @{ Key = 'old 2'; Response = 'stale too'; AgeDays = 8 }
            @{ Key = 'fresh 1'; Response = 'new' }
            @{ Key = 'fresh 2'; Response = 'new too' }
        )
        $before = Get-FileSha256 $cacheFile
    }

    It 'of Clear-ResponseCache says how many entries it would remove, as -WhatIf does (<Case>)' -ForEach @(
        @{ Case = '-Confirm'; Script = "Clear-ResponseCache -Path '{0}' -Confirm"; Action = 'Remove all cached responses (4 entries)' }
        @{ Case = '-Expired -Confirm'; Script = "Clear-ResponseCache -Expired -Path '{0}' -Confirm"; Action = 'Remove expired cached responses (older than 7 days or past their -ExpiresAfter) (2 entries)' }
        @{ Case = '$ConfirmPreference at its impact, Medium'; Script = "`$ConfirmPreference = 'Medium'; Clear-ResponseCache -Path '{0}'"; Action = 'Remove all cached responses (4 entries)' }
    ) {
        $prompts = @(Get-ConfirmPrompt ($Script -f $dir))

        $prompts | Should -HaveCount 1
        $prompts[0] | Should -Match ([regex]::Escape((Get-PromptText $Action $cacheFile)))
        Get-FileSha256 $cacheFile | Should -Be $before -Because 'the prompt was answered No'
    }

    It 'of Remove-CachedResponse says when a key is not cached, as -WhatIf does' {
        $prompts = @(Get-ConfirmPrompt "Remove-CachedResponse -Key 'fresh 1', 'never cached' -Path '$dir' -Confirm")

        $prompts | Should -HaveCount 2
        $prompts[0] | Should -Match ([regex]::Escape((Get-PromptText 'Remove cached response' "'fresh 1' (key $((Get-KeyHash 'fresh 1').Substring(0, 8))) in $cacheFile")))
        $prompts[1] | Should -Match ([regex]::Escape((Get-PromptText 'Remove cached response' "'never cached' (key $((Get-KeyHash 'never cached').Substring(0, 8))) in $cacheFile (not cached: nothing to remove)")))
        Get-FileSha256 $cacheFile | Should -Be $before -Because 'the prompts were answered No'
    }
}
