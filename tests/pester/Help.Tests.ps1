<#
    The shipped help and format views, checked against the built module: every exported cmdlet has written
    help that matches its real parameters, sets, defaults and output types, so help cannot drift from code.
#>

BeforeDiscovery {
    Import-Module $env:RESPONSECACHE_TEST_MODULE -Force -ErrorAction Stop
    $commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters

    $cmdlets = foreach ($command in Get-Command -Module ResponseCache -CommandType Cmdlet) {
        @{
            Name       = $command.Name
            Parameters = @(
                $command.Parameters.Keys | Where-Object { $_ -notin $commonParameters } | Sort-Object |
                    ForEach-Object { @{ Name = $command.Name; Parameter = $_ } })
        }
    }
}

BeforeAll {
    Import-Module $env:RESPONSECACHE_TEST_MODULE -Force -ErrorAction Stop
    $commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
    $moduleCommands = (Get-Command -Module ResponseCache -CommandType Cmdlet).Name

    function Get-ParameterNames([System.Management.Automation.CommandParameterSetInfo] $Set) {
        @($Set.Parameters.Name | Where-Object { $_ -notin $commonParameters } | Sort-Object)
    }

    function Get-DocumentedPosition($Metadata) {
        if ($Metadata.Position -ge 0) { [string]$Metadata.Position } else { 'named' }
    }

    # The value a parameter has when it is not given: read from a fresh instance of the cmdlet class.
    function Get-CodeDefault([System.Management.Automation.CmdletInfo] $Command, [string] $Parameter) {
        $instance = [Activator]::CreateInstance($Command.ImplementingType)
        try { $instance.$Parameter } finally { if ($instance -is [IDisposable]) { $instance.Dispose() } }
    }

    function New-TestCacheDirectory {
        $directory = Join-Path ([IO.Path]::GetTempPath()) "ResponseCache-help-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $directory
        $directory
    }

    function Get-KeyHash([string] $Key) {
        $sha = [System.Security.Cryptography.SHA256]::Create()
        try { -join ($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($Key)) | ForEach-Object { $_.ToString('x2') }) }
        finally { $sha.Dispose() }
    }

    function Get-HeaderWords([string] $Rendered) {
        $lines = ($Rendered -replace '\e\[[\d;]*m') -split '\r?\n' | Where-Object { $_.Trim() }
        $dashes = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($line) $line -match '^[\s-]+$' })
        @($lines[$dashes - 1].Trim() -split '\s+')
    }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name -CommandType Cmdlet
        $help = Get-Help $Name -Full
    }

    It 'is written help with a real synopsis, not the generated syntax stub' {
        $help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo'
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ('^\s*' + [regex]::Escape($Name) + '\s')
    }

    It 'has a description, notes and a link to about_ResponseCache' {
        $description = ($help.description.Text -join ' ').Trim()
        $description | Should -Not -BeNullOrEmpty
        $description | Should -Not -Be $help.Synopsis.Trim()
        ($help.alertSet.alert.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        $help.relatedLinks.navigationLink.linkText | Should -Contain 'about_ResponseCache'
    }

    It 'has at least two examples, each with code that uses the cmdlet and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Match ([regex]::Escape($Name)) -Because "$($example.title) should show $Name"
            ($example.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) should explain itself"
        }
    }

    It 'uses in its examples only parameters the module''s cmdlets have' {
        foreach ($example in $help.examples.example) {
            $tokens = $null
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref]$tokens, [ref]$errors)
            $calls = @($ast.FindAll({
                        param($node)
                        $node -is [System.Management.Automation.Language.CommandAst] -and $node.GetCommandName() -in $moduleCommands
                    }, $true))
            # Sample output in an example confuses the parser; make sure no call to check was lost to it.
            $namedInCode = @($tokens | Where-Object { ($_.TokenFlags -band 'CommandName') -and $_.Text -in $moduleCommands })
            $calls.Count | Should -Be $namedInCode.Count -Because "every call in $($example.title) should be checked"

            foreach ($call in $calls) {
                $called = Get-Command $call.GetCommandName() -CommandType Cmdlet
                foreach ($parameter in $call.CommandElements.Where({ $_ -is [System.Management.Automation.Language.CommandParameterAst] })) {
                    { $called.ResolveParameter($parameter.ParameterName) } |
                        Should -Not -Throw -Because "$($example.title) passes -$($parameter.ParameterName) to $($called.Name)"
                }
            }
        }
    }

    It 'documents exactly the parameters the cmdlet has' {
        $documented = @($help.parameters.parameter.name | Sort-Object)
        $actual = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters } | Sort-Object)
        $documented | Should -Be $actual
    }

    It 'documents -<Parameter> with a description, type, position, pipeline input and default that match the code' -ForEach $Parameters {
        $doc = Get-Help $Name -Parameter $Parameter
        $metadata = $command.Parameters[$Parameter]
        $sets = @($metadata.ParameterSets.Values)

        ($doc.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        $type = $metadata.ParameterType
        if ([Nullable]::GetUnderlyingType($type)) { $type = [Nullable]::GetUnderlyingType($type) }
        $doc.type.name | Should -Be $type.Name
        [bool]::Parse($doc.required) | Should -Be ([bool]($sets | Where-Object IsMandatory))
        $positions = @($sets | ForEach-Object { Get-DocumentedPosition $_ } | Sort-Object -Unique)
        $positions | Should -HaveCount 1 -Because 'one documented position must fit every parameter set'
        $doc.position | Should -Be $positions[0]
        ($doc.pipelineInput -match '\bByValue\b') | Should -Be ([bool]($sets | Where-Object ValueFromPipeline))
        ($doc.pipelineInput -match '\bByPropertyName\b') | Should -Be ([bool]($sets | Where-Object ValueFromPipelineByPropertyName))

        $default = Get-CodeDefault $command $Parameter
        if ($metadata.SwitchParameter) {
            $doc.defaultValue | Should -Be 'False'
        }
        elseif ($default -is [ValueType]) {
            $doc.defaultValue | Should -Be ([string]::Format([cultureinfo]::InvariantCulture, '{0}', $default))
        }
        else {
            $doc.defaultValue | Should -Not -Match '^\s*-?\d' -Because 'a parameter without a default in code has no numeric default'
        }
    }

    It 'has one syntax block per parameter set, the default set first, with each set''s required and positional parameters' {
        $syntax = @($help.syntax.syntaxItem)
        $syntax.Count | Should -Be $command.ParameterSets.Count

        foreach ($item in $syntax) {
            $names = @($item.parameter.name | Sort-Object)
            $set = $command.ParameterSets | Where-Object { -not (Compare-Object (Get-ParameterNames $_) $names) }
            $set | Should -HaveCount 1 -Because "the syntax block '$($names -join ' ')' should match one parameter set"
            foreach ($parameter in $item.parameter) {
                $metadata = $set.Parameters | Where-Object Name -eq $parameter.name
                [bool]::Parse($parameter.required) | Should -Be $metadata.IsMandatory -Because "-$($parameter.name) in set $($set.Name)"
                $parameter.position | Should -Be (Get-DocumentedPosition $metadata) -Because "-$($parameter.name) in set $($set.Name)"
            }
        }

        $default = $command.ParameterSets | Where-Object IsDefault
        if ($default) {
            @($syntax[0].parameter.name | Sort-Object) | Should -Be (Get-ParameterNames $default)
        }
    }

    It 'documents its inputs and every output type it declares' {
        @($help.inputTypes.inputType.type.name | Where-Object { $_ }) | Should -Not -BeNullOrEmpty
        $documentedOutputs = @($help.returnValues.returnValue.type.name)
        $documentedOutputs | Should -Not -BeNullOrEmpty
        foreach ($type in $command.OutputType.Type | Where-Object { $_ -ne [void] }) {
            $documentedOutputs | Should -Contain $type.FullName
        }
    }

    It 'renders the written text with -Full, -Examples and -Parameter *' {
        $full = Get-Help $Name -Full | Out-String -Width 500
        $full | Should -Match ([regex]::Escape($help.Synopsis.Trim()))
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $commonParameters }) {
            $full | Should -Match "-$parameter\b"
        }

        $examples = Get-Help $Name -Examples | Out-String -Width 500
        foreach ($example in $help.examples.example) {
            $examples | Should -Match ([regex]::Escape($example.title.Trim()))
        }

        $each = @(Get-Help $Name -Parameter *)
        $each.Count | Should -Be @($help.parameters.parameter).Count
        $each | ForEach-Object { ($_.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty }
    }
}

Describe 'about_ResponseCache' {
    BeforeAll {
        $about = Get-Help about_ResponseCache | Out-String
        $commandAssembly = (Get-Command Get-CacheStats).ImplementingType.Assembly
    }

    It 'is found by Get-Help' {
        $about | Should -Match '(?m)^TOPIC\s+about_ResponseCache'
        $about | Should -Match '(?m)^SHORT DESCRIPTION'
        $about | Should -Match '(?m)^LONG DESCRIPTION'
    }

    It 'fits an 80-column console: no line is wider' {
        $file = Join-Path (Split-Path $env:RESPONSECACHE_TEST_MODULE) 'en-US/about_ResponseCache.help.txt'

        @(Get-Content -LiteralPath $file | Where-Object Length -gt 80) | Should -BeNullOrEmpty
    }

    It 'explains every error id the module writes' {
        $ids = $commandAssembly.GetType('ResponseCache.ErrorIds', $true).GetFields([System.Reflection.BindingFlags]'Public, NonPublic, Static') |
            Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
        $ids | Should -Not -BeNullOrEmpty
        foreach ($id in $ids) {
            $about | Should -Match "(?m)^\s+$id \(\w" -Because "error id $id needs an entry under ERRORS"
        }
    }

    It 'describes every property of <_>' -ForEach 'ResponseCache.Core.CacheStatistics', 'ResponseCache.Core.CacheEntryInfo' {
        $about | Should -Match ([regex]::Escape($_))
        foreach ($property in ($_ -as [type]).GetProperties().Name) {
            $about | Should -Match "(?m)^\s+$property\s+\[" -Because "$_.$property needs a line in OBJECTS IN AND OUT"
        }
    }

    It 'states the defaults the code uses' {
        $defaults = [ResponseCache.Core.CacheConfiguration]
        $about | Should -Match "(?m)^\s+MaxEntries\s+$($defaults::DefaultMaxEntries)\s*$"
        $about | Should -Match "(?m)^\s+TtlDays\s+$($defaults::DefaultTtlDays)\s*$"
        $depth = (Get-Command Set-CachedResponse).Parameters['Depth'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] }
        $about | Should -Match "(?m)^\s+Depth\s+$(Get-CodeDefault (Get-Command Set-CachedResponse) 'Depth') \(at most $($depth.MaxRange)\)"
        $about | Should -Match "Lock wait\s+about $([ResponseCache.Core.DirectoryCacheOptions]::DefaultLockTimeout.TotalSeconds) seconds"
        $about | Should -Match "written at most every $([ResponseCache.Core.DirectoryCacheOptions]::DefaultAccessFlushInterval.TotalSeconds) seconds"
        $about | Should -Match ([regex]::Escape([ResponseCache.Core.CacheLocation]::PathVariable))
        $about | Should -Match ([regex]::Escape("~/.cache/$([ResponseCache.Core.CacheLocation]::FolderName)"))
    }

    It 'gives $PSDefaultParameterValues patterns that reach the cmdlets it says they reach' {
        $all = @($moduleCommands)
        $all | Where-Object { $_ -like '*-Cache*' } | Should -Be ($all | Where-Object { $_ -notlike '*-ResponseCache*' })
        $all | Where-Object { $_ -like '*-ResponseCache*' } | Sort-Object | Should -Be @('Clear-ResponseCache', 'Copy-ResponseCache', 'Get-ResponseCacheConfiguration', 'Set-ResponseCacheConfiguration')
        $about | Should -Match ([regex]::Escape("'*-Cache*' matches every ResponseCache cmdlet except Clear-ResponseCache"))
        $about | Should -Match "\*-ResponseCacheConfiguration cmdlets, which '\*-ResponseCache\*'\s+matches"
        $all | Where-Object { $_ -like '*-CachedResponse' } | Sort-Object |
            Should -Be (@('Get-CachedResponse', 'Set-CachedResponse', 'Remove-CachedResponse') | Where-Object { $_ -in $all } | Sort-Object)
    }
}

Describe 'Format views' {
    BeforeEach {
        $cache = New-TestCacheDirectory
    }

    AfterEach {
        Remove-Item $cache -Recurse -Force -ErrorAction Ignore
    }

    It 'load with the module without errors' {
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddCommand('Import-Module').AddParameter('Name', $env:RESPONSECACHE_TEST_MODULE).AddParameter('ErrorAction', 'Continue')
            $null = $shell.Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
            $shell.HadErrors | Should -BeFalse
        }
        finally {
            $shell.Dispose()
        }

        $controls = { param($typeName) (Get-FormatData -TypeName $typeName).FormatViewDefinition | ForEach-Object { $_.Control.GetType().Name } }
        & $controls ResponseCache.Core.CacheStatistics | Sort-Object | Should -Be @('ListControl', 'TableControl')
        & $controls ResponseCache.Core.CacheEntryInfo | Should -Be 'TableControl'
    }

    It 'name every column and list item of <_> by the property it shows, so Where-Object and Select-Object take the header' -ForEach @('ResponseCache.Core.CacheStatistics', 'ResponseCache.Core.CacheConfiguration', 'ResponseCache.Core.CacheEntryInfo') {
        # Get-ResponseCacheConfiguration adds the cache's prices to the configuration it outputs.
        $added = @{ 'ResponseCache.Core.CacheConfiguration' = 'Prices' }[$_]
        $properties = @(($_ -as [type]).GetProperties().Name) + $added
        $labels = foreach ($view in (Get-FormatData -TypeName $_).FormatViewDefinition) {
            if ($view.Control -is [System.Management.Automation.TableControl]) {
                $view.Control.Headers.Label
            }
            else {
                $view.Control.Entries.Items.Label | Where-Object { $_ }
                $view.Control.Entries.Items.DisplayEntry | Where-Object ValueType -EQ 'Property' | ForEach-Object Value
            }
        }

        $labels | Should -Not -BeNullOrEmpty
        $labels | Where-Object { $_ -cnotin $properties } | Should -BeNullOrEmpty
    }

    It 'show the statistics as a table with the view''s columns, the hit ratio as the ratio the property holds' {
        Set-CachedResponse -Key 'cached' -Response 'answer' -Path $cache
        $null = Get-CachedResponse -Key 'cached' -Path $cache
        $null = Get-CachedResponse -Key 'not cached' -Path $cache

        $table = Get-CacheStats -Path $cache | Format-Table | Out-String -Width 300

        Get-HeaderWords $table | Should -Be @('TotalEntries', 'FileEntries', 'ActiveEntries', 'ExpiredEntries', 'MaxEntries', 'TtlDays', 'Hits', 'Misses', 'HitRatio', 'Evictions', 'CacheSizeKB', 'Location')
        $table | Should -Match '\s0[.,]5\s'
        $table | Should -Match ([regex]::Escape((Join-Path $cache 'ai_responses.json')))
    }

    It 'show the statistics of a file cache as a list with every property it has, its file as the Location' {
        Set-CachedResponse -Key 'cached' -Response 'answer' -Path $cache
        $null = Get-CachedResponse -Key 'cached' -Path $cache

        $list = Get-CacheStats -Path $cache | Format-List | Out-String -Width 300
        $labels = @($list -split '\r?\n' | Where-Object { $_ -match '^(\w+)\s*:' } | ForEach-Object { $Matches[1] })

        # A file cache keeps no shared counters, its Location is its CacheFile, and a cache without prices has no cost.
        $labels | Sort-Object | Should -Be ([ResponseCache.Core.CacheStatistics].GetProperties().Name | Where-Object { $_ -notin 'CacheFile', 'SharedHits', 'SharedMisses', 'SavedCost', 'UnpricedInputTokens', 'UnpricedOutputTokens' } | Sort-Object)
        $list | Should -Match ('(?m)^Location\s*:\s*' + [regex]::Escape((Join-Path $cache 'ai_responses.json')))
        $list | Should -Match '(?m)^HitRatio\s*:\s*1\s*$'
    }

    It 'show cache entries as a table with a shortened key hash, the local expiry, ''expired'' and ''never'' for entries that never expire' {
        $created = [DateTimeOffset]::UtcNow.AddDays(-10).ToUnixTimeSeconds()
        $legacyHash = Get-KeyHash 'written by hand'
        $oldHash = Get-KeyHash 'ten days old'
        @{
            $legacyHash = @{ response = 'no times at all' }
            $oldHash    = @{ response = 'old'; timestamp = 'x'; created_at = $created; last_accessed = $created; text_length = 12 }
        } | ConvertTo-Json -Depth 5 | Set-Content -Path (Join-Path $cache 'ai_responses.json') -Encoding utf8NoBOM

        $table = Get-CacheEntry -Path $cache -TtlDays 7 | Format-Table | Out-String -Width 300
        $lines = $table -split '\r?\n'

        Get-HeaderWords $table | Should -Be @('KeyHash', 'Model', 'InputTokens', 'OutputTokens', 'Hits', 'Expires', 'Tags')
        $table | Should -Not -Match $legacyHash
        $legacy = $lines | Where-Object { $_.StartsWith($legacyHash.Substring(0, 8) + ' ') }
        $legacy | Should -HaveCount 1
        $legacy | Should -Match '\s0 never\s*$'

        $old = $lines | Where-Object { $_.StartsWith($oldHash.Substring(0, 8) + ' ') }
        $old | Should -HaveCount 1
        $old | Should -Match '\s0 expired\s*$'
        $table = Get-CacheEntry -Path $cache -TtlDays 30 | Format-Table | Out-String -Width 300
        $expires = [DateTimeOffset]::FromUnixTimeSeconds($created + 30 * 86400).LocalDateTime.ToString('MM-dd HH:mm')
        ($table -split '\r?\n' | Where-Object { $_.StartsWith($oldHash.Substring(0, 8) + ' ') }) | Should -Match ([regex]::Escape(" $expires"))
    }
}
