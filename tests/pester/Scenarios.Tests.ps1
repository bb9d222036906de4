<#
    End-to-end user scripts, each as a user would write it.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Scenario: replies piped in, then a maintenance job on one cache' {
    It 'caches whole replies from a batch run, and the nightly job prunes only the project cache' {
        $projectCache = New-CacheDirectoryPath -Parent $TestDrive
        $personalCache = New-CacheDirectoryPath -Parent $TestDrive
        Set-CachedResponse -Key 'keep me' -Response 'personal' -Path $personalCache

        # The batch script: each reply, as Invoke-RestMethod returns it, piped straight into the cache.
        foreach ($question in 'What is 2+2?', 'Capital of France?', 'Translate: cat') {
            $reply = [pscustomobject]@{
                id      = "chatcmpl-$($question.Length)"
                object  = 'chat.completion'
                created = 1733100000
                choices = @([pscustomobject]@{ index = 0; message = [pscustomobject]@{ role = 'assistant'; content = "answer to $question" } })
            }
            $reply | Set-CachedResponse -Model 'gpt-4o-mini' -Prompt $question -Path $projectCache
        }

        # The next run reads the content it needs from the whole reply.
        (Get-CachedResponse -Model 'gpt-4o-mini' -Prompt 'Capital of France?' -Path $projectCache).choices[0].message.content |
            Should -BeExactly 'answer to Capital of France?'

        # The nightly job: prune the project cache's biggest entries, with a look first.
        $biggest = Get-CacheEntry -Path $projectCache | Sort-Object SizeBytes -Descending | Select-Object -First 2
        $biggest | Remove-CachedResponse -WhatIf
        (Read-CacheOnDisk $projectCache).Count | Should -Be 3
        $biggest | Remove-CachedResponse -PassThru | Should -Be 2

        (Read-CacheOnDisk $projectCache).Count | Should -Be 1
        Get-CachedResponse -Key 'keep me' -Path $personalCache | Should -BeExactly 'personal'
    }
}
