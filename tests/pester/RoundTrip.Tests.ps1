<#
    What comes back for each .NET type stored from PowerShell: the table in about_ResponseCache, row by row, against
    what ConvertTo-Json | ConvertFrom-Json gives; and errors that say where in a response the problem is.
#>
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
    # Type stored, how to make a value of it, the type Get-CachedResponse gives back on PowerShell 7 (the about topic's table),
    # and whether ConvertTo-Json | ConvertFrom-Json gives the same (Version and TimeSpan: they write every property).
    $rows = @(
        @{ Type = 'String'; Make = { 'text' }; Expected = 'System.String'; AsConvertFromJson = $true }
        @{ Type = 'Char'; Make = { [char]'c' }; Expected = 'System.String'; AsConvertFromJson = $true }
        @{ Type = 'Boolean'; Make = { $true }; Expected = 'System.Boolean'; AsConvertFromJson = $true }
        @{ Type = 'Int32'; Make = { 42 }; Expected = 'System.Int64'; AsConvertFromJson = $true }
        @{ Type = 'Int64'; Make = { [long]::MaxValue }; Expected = 'System.Int64'; AsConvertFromJson = $true }
        @{ Type = 'Byte'; Make = { [byte]7 }; Expected = 'System.Int64'; AsConvertFromJson = $true }
        @{ Type = 'BigInteger'; Make = { [bigint]::Pow(10, 30) }; Expected = 'System.Numerics.BigInteger'; AsConvertFromJson = $true }
        @{ Type = 'Enum'; Make = { [DayOfWeek]::Friday }; Expected = 'System.Int64'; AsConvertFromJson = $true }
        @{ Type = 'Double'; Make = { 1.5 }; Expected = 'System.Double'; AsConvertFromJson = $true }
        @{ Type = 'whole Double'; Make = { [double]3 }; Expected = 'System.Double'; AsConvertFromJson = $true }
        @{ Type = 'Single'; Make = { [float]1.5 }; Expected = 'System.Double'; AsConvertFromJson = $true }
        @{ Type = 'Decimal'; Make = { [decimal]1.5 }; Expected = 'System.Double'; AsConvertFromJson = $true }
        @{ Type = 'DateTime (UTC)'; Make = { [datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc) }; Expected = 'System.DateTime'; AsConvertFromJson = $true }
        @{ Type = 'DateTime (local)'; Make = { [datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Local) }; Expected = 'System.DateTime'; AsConvertFromJson = $true }
        @{ Type = 'DateTimeOffset'; Make = { [datetimeoffset]::new(2024, 1, 2, 3, 4, 5, [timespan]::FromHours(2)) }; Expected = 'System.DateTime'; AsConvertFromJson = $true }
        @{ Type = 'Guid'; Make = { [guid]'b92dda3c-6367-4344-99e2-a030ab2f313d' }; Expected = 'System.String'; AsConvertFromJson = $true }
        @{ Type = 'Uri'; Make = { [uri]'https://example.com/a' }; Expected = 'System.String'; AsConvertFromJson = $true }
        @{ Type = 'Version'; Make = { [version]'1.2.3' }; Expected = 'System.String'; AsConvertFromJson = $false }
        @{ Type = 'TimeSpan'; Make = { [timespan]::FromMinutes(90) }; Expected = 'System.String'; AsConvertFromJson = $false }
        @{ Type = 'Hashtable'; Make = { @{ a = 1 } }; Expected = 'System.Management.Automation.PSCustomObject'; AsConvertFromJson = $true }
        @{ Type = 'PSCustomObject'; Make = { [pscustomobject]@{ a = 1 } }; Expected = 'System.Management.Automation.PSCustomObject'; AsConvertFromJson = $true }
        @{ Type = 'array'; Make = { , @(1, 'x') }; Expected = 'System.Object[]'; AsConvertFromJson = $true }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
    Import-Module (Join-Path $PSScriptRoot 'TestBackends.psm1') -Force
}

Describe 'What comes back for each type stored on <Name>' -ForEach (Get-TestBackend) {
    BeforeAll {
        $cache = New-TestCache -Kind $Kind
    }

    It '<Type> comes back as <Expected>' -ForEach $rows {
        $stored = & $Make

        Set-CachedResponse -Key $Type -Response $stored @cache
        $returned = Get-CachedResponse -Key $Type @cache -NoEnumerate

        $returned.GetType().FullName | Should -BeExactly $Expected
        $viaJson = ConvertTo-Json -InputObject $stored -Depth 5 | ConvertFrom-Json -NoEnumerate
        ($viaJson.GetType().FullName -eq $Expected) | Should -Be $AsConvertFromJson
    }
}

Describe 'ResponseNotSerializable says where the problem is on <Name>' -ForEach (Get-TestBackend) {
    BeforeAll {
        $cache = New-TestCache -Kind $Kind
    }

    It 'names the property path and the live object that led there, and does not call a file "code"' {
        $file = New-Item -ItemType File -Path (Join-Path $TestDrive 'report.txt') -Force
        $reply = [pscustomobject]@{ answer = 'done'; attachment = $file }

        Set-CachedResponse -Key 'with a file' -Response $reply @cache -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure[0].FullyQualifiedErrorId | Should -BeExactly 'ResponseNotSerializable,ResponseCache.Commands.SetCachedResponseCommand'
        $failure[0].Exception.Message | Should -BeLike '*$response.attachment, a `[System.IO.FileInfo`]*not data*'
        $failure[0].Exception.Message | Should -Not -BeLike '*code*'
    }

    It 'names where a NaN is' {
        Set-CachedResponse -Key 'nan' -Response ([pscustomobject]@{ scores = @(1.0, [double]::NaN) }) @cache -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure[0].Exception.Message | Should -BeLike '$response.scores`[1`] is the number NaN*'
    }
}

# A user trial: token log probabilities (" the" and " The") were merged into one member, and an empty member name made
# an entry no call could read or produce again. ConvertFrom-Json refuses both; Invoke-RestMethod returns such a body as text.
Describe 'A JSON object that a PSCustomObject cannot hold comes back as its JSON text, whole' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    It 'keeps <Name>, returned as the text Invoke-RestMethod would give' -ForEach @(
        @{ Name = 'member names that differ only in case'; Json = '{"top_logprobs":[{" the":-0.1," The":-1.5}]}' }
        @{ Name = 'an empty member name'; Json = '{"":1,"ok":2}' }
    ) {
        Set-CachedResponse -Path $dir -Key 'k' -Response $Json -AsJson

        $returned = Get-CachedResponse -Path $dir -Key 'k' -ScriptBlock { throw 'must not run' } -ErrorAction Stop

        $returned | Should -BeOfType [string]
        $returned | Should -BeExactly $Json
        { $Json | ConvertFrom-Json } | Should -Throw
    }

    It 'reads repeated members with the same name as Python does: the last one counts' {
        Set-CachedResponse -Path $dir -Key 'k' -Response '{"a":1,"a":2}' -AsJson

        (Get-CachedResponse -Path $dir -Key 'k').a | Should -Be 2
    }
}
