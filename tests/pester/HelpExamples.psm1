<#
.SYNOPSIS
    The examples of the module's help, as a user reads them, and a world to run each in as written: a directory of
    its own as the user's home and working directory (with the files the examples read), a stand-in for the HTTP APIs
    they call, a Redis server for the servers they name, and the few things an example says are the user's own
    (Invoke-MyChatCompletion, a credential, $ticket).
.DESCRIPTION
    An example's code is the text of its code block; blocks of output it shows (What if:, VERBOSE:, a table, a number)
    are told apart by their first word, which is not a command. Output is compared as text with times, paths, servers,
    key hashes and numbers left out, and with whitespace collapsed (a console wraps where it likes).
#>
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')

$script:ConsoleWidth = 80
$script:Keywords = 'if', 'foreach', 'for', 'while', 'do', 'try', 'switch', 'function', 'param', 'return', 'throw'

# Whether a block of an example's code block is output it shows rather than code to run.
function Test-ShownOutput {
    param([Parameter(Mandatory)] [string[]] $Lines)
    $first = $Lines[0].Trim()
    if ($first -match '^\d+$') { return $true }
    if ($first -notmatch '^([A-Za-z][\w]*)(\s|:|$)') { return $false }
    $word = $Matches[1]
    -not ($script:Keywords -contains $word.ToLowerInvariant() -or (Get-Alias -Name $word -ErrorAction Ignore))
}

function Split-ExampleText {
    param([Parameter(Mandatory)] [string] $Text, [Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [int] $Indent)
    $code = [Collections.Generic.List[string]]::new()
    $shown = [Collections.Generic.List[string]]::new()
    $blocks = ($Text -replace "`r`n", "`n").Trim("`n") -split "\n\s*\n"
    foreach ($block in $blocks) {
        $lines = $block -split "`n"
        if (Test-ShownOutput $lines) { $shown.Add($block) } else { $code.Add($block) }
    }
    [pscustomobject]@{ Name = $Name; Code = $code -join "`n`n"; Shown = @($shown); Indent = $Indent }
}

<#
.SYNOPSIS
    Every example of the cmdlets' help (the MAML file) and of about_ResponseCache's EXAMPLES section, each with Name,
    Code, Shown (the blocks of output it shows) and Indent (how far Get-Help indents its code).
#>
function Get-HelpExample {
    param([Parameter(Mandatory)] [string] $ModuleDirectory)
    $help = Join-Path $ModuleDirectory 'en-US/ResponseCache.dll-Help.xml'
    $ns = @{ maml = 'http://schemas.microsoft.com/maml/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }
    foreach ($command in (Select-Xml -LiteralPath $help -XPath '//command:command' -Namespace $ns).Node) {
        $cmdlet = $command.details.name
        foreach ($example in @($command.examples.example)) {
            $title = ($example.title -replace '^-+\s*|\s*-+$', '')
            Split-ExampleText -Text $example.code -Name "$cmdlet, $title" -Indent 4
        }
    }

    $about = Get-Content -LiteralPath (Join-Path $ModuleDirectory 'en-US/about_ResponseCache.help.txt')
    $start = [Array]::IndexOf($about, 'EXAMPLES')
    $title = $null
    $lines = [Collections.Generic.List[string]]::new()
    foreach ($line in $about[($start + 1)..($about.Count - 1)] + 'END') {
        if ($line -match '^\S') { if ($title) { Split-ExampleText -Text ($lines -join "`n") -Name "about_ResponseCache, $title" -Indent 8 }; break }
        if ($line -match '^ {4}(\S.*):$') {
            if ($title) { Split-ExampleText -Text ($lines -join "`n") -Name "about_ResponseCache, $title" -Indent 8 }
            $title = $Matches[1]
            $lines.Clear()
        }
        elseif ($title -and ($line -match '^ {8}' -or $line -match '^\s*$')) { $lines.Add(($line -replace '^ {8}', '')) }
    }
}

<#
.SYNOPSIS
    The commands an example calls that neither this machine nor the world has (Register-ScheduledTask off Windows):
    such an example cannot run here.
#>
function Get-MissingCommand {
    param([Parameter(Mandatory)] [string] $Code, [string[]] $Provided = @())
    $ast = [Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$null)
    $names = $ast.FindAll({ param($node) $node -is [Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() } | Where-Object { $_ }
    @($names | Sort-Object -Unique | Where-Object { $_ -notin $Provided -and -not (Get-Command -Name $_ -ErrorAction Ignore) })
}

# What the examples say is the user's own, defined in each example's process.
$script:Prelude = @'
$PSStyle.OutputRendering = 'PlainText'
$redis = [pscredential]::new('jobs', (ConvertTo-SecureString $env:HELP_EXAMPLE_REDIS_PASSWORD -AsPlainText -Force))
function Get-Credential { param([string] $UserName, [string] $Message) $redis }
function Get-Secret { param([string] $Name) $redis }
function Invoke-MyChatCompletion { param([string] $Prompt) "An answer to: $Prompt" }
function Invoke-MyModel { param([string] $Prompt) "An answer to: $Prompt" }
$key = 'gpt-4o-mini|Summarize|notes v1'
$answer = 'A summary in three bullet points.'
$ticket = [pscustomobject]@{ Body = 'Printer on floor 3 is jammed' }
$question = 'Why is the sky blue?'
$questions = 'Why is the sky blue?', 'Why is the sea salty?', 'Why is the sky blue?'
'@

# The commands the prelude defines, which an example may call on any platform.
$script:ProvidedCommands = 'Get-Credential', 'Get-Secret', 'Invoke-MyChatCompletion', 'Invoke-MyModel'

<#
.SYNOPSIS
    A world for one example under -Root: Home (the user's home and working directory, with the files the examples
    read), the API stand-in's base URI and the Redis server to run against.
#>
function New-HelpExampleWorld {
    param([Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] [string] $ApiUri, [Parameter(Mandatory)] $Redis, [Parameter(Mandatory)] [string] $RedisPassword)
    $home_ = New-Item -ItemType Directory -Path (Join-Path $Root 'home') -Force
    Set-Content -LiteralPath (Join-Path $home_ 'RELEASE_NOTES.md') -Value "# 2.1`n- Faster start-up`n- Fewer prompts"
    Set-Content -LiteralPath (Join-Path $home_ 'contract.txt') -Value 'This agreement is between Contoso Ltd and Fabrikam Inc.'
    Set-Content -LiteralPath (Join-Path $home_ 'prompts.txt') -Value 'Why is the sky blue?', 'Why is the sea salty?', 'Why is the sky blue?'
    [pscustomobject]@{ Question = 'Why is the sky blue?' }, [pscustomobject]@{ Question = 'Why is the sky blue?' } |
        Export-Csv -LiteralPath (Join-Path $home_ 'questions.csv')
    [pscustomobject]@{ Question = 'How do I reset my password?'; Answer = 'Use the link on the sign-in page.' } |
        Export-Csv -LiteralPath (Join-Path $home_ 'faq.csv')
    $tickets = New-Item -ItemType Directory -Path (Join-Path $home_ 'tickets') -Force
    Set-Content -LiteralPath (Join-Path $tickets '1.txt') -Value 'Printer on floor 3 is jammed'
    # The user's cache as the examples find it: 87 entries, 7 of them past the default TTL, some under keys they name.
    $named = 'gpt-4o-mini|Classify this ticket:|Printer on floor 3 is jammed', 'weather:Berlin', 'weather:Paris', 'weather:Rome', 'fx-rates:EUR'
    $entries = @(foreach ($n in 1..7) { @{ Key = "old question $n"; Response = "old answer $n"; AgeDays = 10 + $n } }) +
        @(foreach ($n in 1..75) { @{ Key = "question $n"; Response = @{ answer = "answer $n"; tokens = $n }; AgeDays = (75 - $n) / 15 } }) +
        @(foreach ($key in $named) { @{ Key = $key; Response = "cached for $key" } })
    $null = Write-CacheFile -Directory (Join-Path $home_ '.cache/ResponseCache') -Entries $entries
    $null = Write-CacheFile -Directory (Join-Path $Root 'srv/ai-cache') -Entries @(foreach ($n in 1..5) { @{ Key = "job question $n"; Response = "job answer $n" } })
    $etc = New-Item -ItemType Directory -Path (Join-Path $Root 'etc/ai-jobs') -Force
    [pscredential]::new('jobs', (ConvertTo-SecureString $RedisPassword -AsPlainText -Force)) | Export-Clixml -LiteralPath (Join-Path $etc 'redis-credential.xml')
    [pscustomobject]@{ Root = $Root; Home = $home_.FullName; ApiUri = $ApiUri.TrimEnd('/'); Redis = $Redis; RedisPassword = $RedisPassword }
}

# The example's code as it runs in its world: API hosts are the stand-in, Redis servers the world's, and absolute
# paths (/srv/..., /etc/...) under the world's root.
function ConvertTo-WorldCode {
    param([Parameter(Mandatory)] [string] $Code, [Parameter(Mandatory)] $World)
    $endpoint = $World.Redis.Endpoint
    $Code = [regex]::Replace($Code, 'https?://(?!127\.0\.0\.1)[A-Za-z0-9.-]+(:\d+)?', $World.ApiUri)
    $Code = [regex]::Replace($Code, "'(rediss?://)?[a-z0-9][a-z0-9.-]*:\d+(,ssl=true)?'", { param($m) if ($m.Groups[1].Success) { "'redis://$endpoint'" } else { "'$endpoint'" } })
    [regex]::Replace($Code, '(?<=[\s''"])/(srv|etc)/', ($World.Root.TrimEnd('/') + '/$1/'))
}

<#
.SYNOPSIS
    Runs an example in a fresh pwsh in its world, answering N to any prompt; returns Output (stdout, with the host's
    What if, VERBOSE and prompt text) and Errors (stderr).
#>
function Invoke-HelpExample {
    param([Parameter(Mandatory)] $Example, [Parameter(Mandatory)] $World)
    $module = (Get-ModuleUnderTestPath) -replace "'", "''"
    $script = "Import-Module '$module'`n$script:Prelude`n$(ConvertTo-WorldCode -Code $Example.Code -World $World)"
    $commandLine = Get-FreshPwshCommandLine
    $start = [Diagnostics.ProcessStartInfo]::new($commandLine.FileName)
    foreach ($argument in @($commandLine.Prefix) + '-NoProfile', '-OutputFormat', 'Text', '-EncodedCommand', (ConvertTo-EncodedCommand $script)) { $start.ArgumentList.Add($argument) }
    $start.WorkingDirectory = $World.Home
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $start.Environment['HOME'] = $World.Home
    $start.Environment['USERPROFILE'] = $World.Home
    $start.Environment['LOCALAPPDATA'] = Join-Path $World.Home 'AppData/Local'
    $start.Environment['XDG_CACHE_HOME'] = Join-Path $World.Home '.cache'
    $start.Environment['HELP_EXAMPLE_REDIS_PASSWORD'] = $World.RedisPassword
    $start.Environment['NO_COLOR'] = '1'
    # Installed, as a user has it: Import-Module ResponseCache (in a -Parallel runspace, say) finds it.
    $installed = Split-Path (Split-Path (Split-Path (Get-ModuleUnderTestPath)))
    $start.Environment['PSModulePath'] = $installed + [IO.Path]::PathSeparator + $start.Environment['PSModulePath']
    $start.Environment.Remove('RESPONSECACHE_PATH') | Out-Null
    $start.Environment.Remove('RESPONSECACHE_REDIS') | Out-Null
    # An example whose comments say the job's environment holds RESPONSECACHE_REDIS runs with it set.
    if ($Example.Code -match '#\s*RESPONSECACHE_REDIS=') { $start.Environment['RESPONSECACHE_REDIS'] = $World.Redis.Endpoint }
    $process = [Diagnostics.Process]::Start($start)
    try {
        $process.StandardInput.WriteLine('N')
        $process.StandardInput.Close()
        $errors = $process.StandardError.ReadToEndAsync()
        $output = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        # The console is 80 columns when its output is redirected, and breaks longer lines at exactly that width.
        $unwrapped = $output -replace "(?m)^(.{$script:ConsoleWidth})\r?\n", '$1'
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $unwrapped; Errors = $errors.Result }
    }
    finally {
        $process.Dispose()
    }
}

<#
.SYNOPSIS
    Output as the comparison sees it: whitespace collapsed, and times, paths, Redis servers, key hashes and numbers
    replaced by placeholders, since they depend on the machine, the clock and the cache the example found.
#>
function ConvertTo-ComparableText {
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text)
    $Text = $Text -replace '\x1b\[[0-9;]*m', ''
    $Text = $Text -replace '\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?', '<time>'
    $Text = $Text -replace 'rediss?://[^\s"'']+', '<server>'
    $Text = $Text -replace '(?<![\w<])(?:[A-Za-z]:\\|/)[^\s"'']+', '<path>'
    $Text = $Text -replace '\b[0-9a-f]{8,64}\b', '<hash>'
    $Text = $Text -replace '\d+(?:[.,]\d+)*', '#'
    ($Text -replace '\s+', ' ').Trim()
}

Export-ModuleMember -Function Get-HelpExample, Get-MissingCommand, New-HelpExampleWorld, Invoke-HelpExample, ConvertTo-ComparableText -Variable ProvidedCommands
