<#
.SYNOPSIS
    What the Pester files share: the module under test, fresh pwsh processes, the Python reference, and cache files
    written by hand (to test expiry without waiting for it).
#>
Set-StrictMode -Version Latest

$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ReferenceDirectory = Join-Path $script:RepositoryRoot 'tests/reference'

# The built module the runner names; out/ when a developer runs Invoke-Pester by hand after a build.
function Get-ModuleUnderTestPath {
    if ($env:RESPONSECACHE_TEST_MODULE) { return $env:RESPONSECACHE_TEST_MODULE }
    Join-Path $script:RepositoryRoot 'out/ResponseCache/ResponseCache.psd1'
}

# A PSModulePath that finds the module under test, as an installed module is found: a ForEach-Object -Parallel
# runspace loads it on first use only from there.
function Get-ModuleUnderTestSearchPath {
    $moduleFolder = Split-Path (Get-ModuleUnderTestPath)
    if ((Split-Path $moduleFolder -Leaf) -as [version]) { $moduleFolder = Split-Path $moduleFolder }
    (Split-Path $moduleFolder) + [IO.Path]::PathSeparator + $env:PSModulePath
}

function Import-ModuleUnderTest {
    Import-Module (Get-ModuleUnderTestPath) -Global
}

# A new, not yet existing directory under -Parent (the tests pass $TestDrive).
function New-CacheDirectoryPath {
    param([Parameter(Mandatory)] [string] $Parent)
    Join-Path $Parent ('cache-' + [guid]::NewGuid().ToString('N'))
}

function Get-CacheFilePath {
    param([Parameter(Mandatory)] [string] $Directory)
    Join-Path $Directory 'ai_responses.json'
}

# The on-disk name of a key: lowercase hex SHA-256 of its UTF-8 text, as the reference computes it.
function Get-KeyHash {
    param([Parameter(Mandatory)] [string] $Key)
    $sha = [Security.Cryptography.SHA256]::Create()
    try {
        -join ($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($Key)) | ForEach-Object { $_.ToString('x2') })
    } finally {
        $sha.Dispose()
    }
}

function ConvertTo-UnixSeconds {
    param([Parameter(Mandatory)] [DateTimeOffset] $Time)
    $Time.ToUnixTimeMilliseconds() / 1000.0
}

<#
.SYNOPSIS
    Writes ai_responses.json byte for byte as the Python reference's json.dump(indent=2, ensure_ascii=False) writes
    it, with the entries in the order given. Each entry is @{ Key } with
    - the response: Response (a value; objects are written compact rather than indented) or Json (raw JSON text);
    - its times: AgeDays (created and last accessed that many days ago; 0 when omitted) or CreatedAt and LastAccessed
      (DateTimeOffsets; CreatedAt $null writes an entry without timestamp and created_at, which never expires).
    text_length is Python's len of the key: code points, not UTF-16 units.
#>
function Write-CacheFile {
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [hashtable[]] $Entries
    )
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $invariant = [Globalization.CultureInfo]::InvariantCulture
    $blocks = foreach ($entry in $Entries) {
        $json = if ($entry.ContainsKey('Json')) { $entry.Json } else { ConvertTo-Json -InputObject $entry.Response -Depth 20 -Compress }
        if ($entry.ContainsKey('CreatedAt') -or $entry.ContainsKey('LastAccessed')) {
            $created, $accessed = $entry['CreatedAt'], $entry['LastAccessed']
        } else {
            $created = $accessed = [DateTimeOffset]::UtcNow.AddDays(-$(if ($entry.ContainsKey('AgeDays')) { $entry.AgeDays } else { 0 }))
        }
        $fields = [Collections.Generic.List[string]]::new()
        $fields.Add('    "response": ' + ($json -replace '\n', "`n    "))
        if ($null -ne $created) {
            $fields.Add('    "timestamp": "' + $created.LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss', $invariant) + '"')
            $fields.Add('    "created_at": ' + (ConvertTo-UnixSeconds $created).ToString('R', $invariant))
        }
        if ($null -ne $accessed) {
            $fields.Add('    "last_accessed": ' + (ConvertTo-UnixSeconds $accessed).ToString('R', $invariant))
        }
        $fields.Add('    "text_length": ' + @($entry.Key.EnumerateRunes()).Count)
        '  "' + (Get-KeyHash $entry.Key) + "`": {`n" + ($fields -join ",`n") + "`n  }"
    }
    $path = Get-CacheFilePath $Directory
    [IO.File]::WriteAllText($path, "{`n" + ($blocks -join ",`n") + "`n}", [Text.UTF8Encoding]::new($false))
    $path
}

function Get-FileSha256 {
    param([Parameter(Mandatory)] [string] $Path)
    (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash
}

# The pwsh that runs these tests, started the way build.ps1's Invoke-FreshPwsh starts it.
function Get-FreshPwshCommandLine {
    $exe = [Environment]::ProcessPath
    [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
    [pscustomobject]@{ FileName = $exe; Prefix = $prefix }
}

# The script a fresh process runs: strict, stopping on errors, with the module under test imported unless -NoImport
# (for a script that imports it itself, to watch the import).
function Get-FreshScriptText {
    param([Parameter(Mandatory)] [string] $Script, [switch] $NoImport)
    $module = (Get-ModuleUnderTestPath) -replace "'", "''"
    $import = if ($NoImport) { '' } else { "Import-Module '$module'" }
    "`$ErrorActionPreference = 'Stop'`nSet-StrictMode -Version Latest`n$import`n$Script"
}

function ConvertTo-EncodedCommand {
    param([Parameter(Mandatory)] [string] $Text)
    [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Text))
}

<#
.SYNOPSIS
    Runs a script in a fresh, non-interactive pwsh with the module under test imported (unless -NoImport); waits for
    it. Returns ExitCode, Output (stdout lines) and Errors (stderr lines). -Environment adds variables for that process only.
#>
function Invoke-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        [switch] $NoImport
    )
    $commandLine = Get-FreshPwshCommandLine
    $errorFile = [IO.Path]::GetTempFileName()
    try {
        $encoded = ConvertTo-EncodedCommand (Get-FreshScriptText $Script -NoImport:$NoImport)
        Use-EnvironmentVariable -Variables $Environment -ScriptBlock {
            [string[]] $output = & $commandLine.FileName @($commandLine.Prefix) -NoProfile -NonInteractive -EncodedCommand $encoded 2>$errorFile
            [pscustomobject]@{
                ExitCode = $LASTEXITCODE
                Output   = @($output | Where-Object { $null -ne $_ })
                Errors   = @(Get-Content -LiteralPath $errorFile)
            }
        }
    } finally {
        Remove-Item -LiteralPath $errorFile -ErrorAction Ignore
    }
}

<#
.SYNOPSIS
    Starts a script in a fresh, non-interactive pwsh without waiting; returns the Process. The caller reads its
    standard output line by line (StandardOutput.ReadLine()), may write lines to its standard input, and ends with
    Wait-FreshPwsh (or stops it and disposes it). -Environment adds variables for that process only.
#>
function Start-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{}
    )
    $commandLine = Get-FreshPwshCommandLine
    $startInfo = [Diagnostics.ProcessStartInfo]::new($commandLine.FileName)
    foreach ($argument in @($commandLine.Prefix) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', (ConvertTo-EncodedCommand (Get-FreshScriptText $Script)))) {
        $startInfo.ArgumentList.Add($argument)
    }
    foreach ($name in $Environment.Keys) { $startInfo.Environment[$name] = [string] $Environment[$name] }
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.UseShellExecute = $false
    [Diagnostics.Process]::Start($startInfo)
}

# Waits for a process from Start-FreshPwsh to end; returns ExitCode, Output (the stdout lines not read yet) and Errors.
function Wait-FreshPwsh {
    param([Parameter(Mandatory)] [Diagnostics.Process] $Process)
    try {
        $Process.StandardInput.Close()
        $errors = $Process.StandardError.ReadToEndAsync()
        $output = $Process.StandardOutput.ReadToEnd()
        $Process.WaitForExit()
        [pscustomobject]@{
            ExitCode = $Process.ExitCode
            Output   = @($output -split '\r?\n' | Where-Object { $_ -ne '' })
            Errors   = @($errors.Result -split '\r?\n' | Where-Object { $_ -ne '' })
        }
    } finally {
        $Process.Dispose()
    }
}

# Kills a process from Start-FreshPwsh at once (SIGKILL on Unix: no finally blocks, no exit handlers run).
function Stop-FreshPwsh {
    param([Parameter(Mandatory)] [Diagnostics.Process] $Process)
    try {
        if (-not $Process.HasExited) { $Process.Kill() }
        $Process.WaitForExit()
    } finally {
        $Process.Dispose()
    }
}

<#
.SYNOPSIS
    A PowerShell instance on a runspace of its own, with the module under test imported when the runspace opens (an
    InitialSessionState), so a test adds one statement and never a batch: a stopped batch would run its next
    statement on a thread-pool thread, and if the runspace was closed by then the whole process dies. End it with
    Close-TestShell, never with Dispose alone.
#>
function New-TestShell {
    $state = [initialsessionstate]::CreateDefault2()
    $state.ImportPSModule([string[]] @(Get-ModuleUnderTestPath))
    $runspace = [runspacefactory]::CreateRunspace($state)
    $runspace.Open()
    $shell = [powershell]::Create()
    $shell.Runspace = $runspace
    $shell
}

<#
.SYNOPSIS
    Ends an instance safely: stops it if it still runs, waits (at most -Timeout) for the stop and for the invocation
    -Invocation (from BeginInvoke) to end, and only then disposes the instance and its runspace. Disposing while a
    stop or a batch is still under way crashes the process; an instance that does not end in time is left undisposed
    and reported as an error instead.
#>
function Close-TestShell {
    param(
        [AllowNull()] [powershell] $Shell,
        [AllowNull()] [IAsyncResult] $Invocation,
        [TimeSpan] $Timeout = [TimeSpan]::FromSeconds(30)
    )
    if ($null -eq $Shell) { return }
    if ($Shell.InvocationStateInfo.State -in 'Running', 'Stopping') {
        $stopping = $Shell.BeginStop($null, $null)
        if (-not $stopping.AsyncWaitHandle.WaitOne($Timeout)) {
            throw "The test's PowerShell instance did not stop within $Timeout; it is left running rather than disposed mid-stop."
        }
        $Shell.EndStop($stopping)
    }
    if ($null -ne $Invocation) {
        if (-not $Invocation.AsyncWaitHandle.WaitOne($Timeout)) {
            throw "The test's PowerShell invocation did not end within $Timeout; it is left running rather than disposed mid-run."
        }
        # Its outcome is the test's to assert (EndInvoke before this call); here it only has to be over.
        try { $null = $Shell.EndInvoke($Invocation) } catch { }
    }
    $runspace = $Shell.Runspace
    $Shell.Dispose()
    if ($null -ne $runspace) { $runspace.Dispose() }
}

<#
.SYNOPSIS
    Runs Python code with the reference CacheManager of tests/reference as `cm` (quiet, over -Directory, with
    -MaxEntries and -TtlDays) and `json` imported; returns what the code prints. Throws when python3 fails.
#>
function Invoke-ReferenceCache {
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Code,
        [int] $MaxEntries = 100,
        [double] $TtlDays = 7,
        [hashtable] $Environment = @{}
    )
    $prelude = @"
import json, sys
sys.path.insert(0, sys.argv[1])
from cache_manager import CacheManager
cm = CacheManager(sys.argv[2], max_entries=int(sys.argv[3]), ttl_days=float(sys.argv[4]), quiet=True)
"@
    # UTF-8 both ways, whatever the console's code page: keys and responses beyond ASCII must arrive intact.
    $savedEncodings = $OutputEncoding, [Console]::OutputEncoding
    try {
        $OutputEncoding = [Console]::OutputEncoding = [Text.UTF8Encoding]::new($false)
        Use-EnvironmentVariable -Variables ($Environment + @{ PYTHONUTF8 = '1' }) -ScriptBlock {
            $output = $prelude + "`n" + $Code | python3 - $script:ReferenceDirectory $Directory $MaxEntries $TtlDays
            if ($LASTEXITCODE -ne 0) { throw "python3 failed with exit code $LASTEXITCODE running the reference CacheManager." }
            $output
        }
    } finally {
        $OutputEncoding, [Console]::OutputEncoding = $savedEncodings
    }
}

# The variables that give a fresh pwsh a home directory of its own, created under -Parent: its module path (with
# no PSModulePath inherited), its PSResourceGet repositories and its caches are there, never the user's. The folders
# exist: .NET answers LocalApplicationData with an empty path for a missing one, and PSResourceGet and NuGet then
# write their settings into the current directory.
function New-IsolatedHomeEnvironment {
    param([Parameter(Mandatory)] [string] $Parent)
    $homeDirectory = Join-Path $Parent ('home-' + [guid]::NewGuid().ToString('N'))
    $variables = @{
        HOME            = $homeDirectory
        XDG_DATA_HOME   = Join-Path $homeDirectory '.local/share'
        XDG_CONFIG_HOME = Join-Path $homeDirectory '.config'
        XDG_CACHE_HOME  = Join-Path $homeDirectory '.cache'
    }
    foreach ($directory in $variables.Values) { $null = New-Item -ItemType Directory -Path $directory -Force }
    $variables.PSModulePath = $null
    $variables
}

# Runs the script block with the environment variables set, restoring their previous values afterwards.
function Use-EnvironmentVariable {
    param([Parameter(Mandatory)] [hashtable] $Variables, [Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $saved = @{}
    foreach ($name in $Variables.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Variables[$name])
    }
    try {
        & $ScriptBlock
    } finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

<#
.SYNOPSIS
    Reads the cache the way a fresh load would, but independently of the module: the entries of ai_responses.json,
    then the journal's ops replayed over them (a last line without its newline is a write cut short, and ignored).
    Returns a hashtable from key hash to response (as ConvertFrom-Json -AsHashtable reads it).
#>
function Read-CacheOnDisk {
    param([Parameter(Mandatory)] [string] $Directory)
    $responses = @{}
    $snapshot = Get-CacheFilePath $Directory
    if (Test-Path -LiteralPath $snapshot) {
        $entries = Get-Content -LiteralPath $snapshot -Raw | ConvertFrom-Json -AsHashtable -Depth 1100
        foreach ($hash in $entries.Keys) { $responses[$hash] = $entries[$hash].response }
    }
    $journal = "$snapshot.journal"
    if (Test-Path -LiteralPath $journal) {
        $text = [IO.File]::ReadAllText($journal)
        $whole = $text.Substring(0, $text.LastIndexOf("`n") + 1)
        foreach ($line in $whole -split "`n" | Where-Object { $_ -ne '' }) {
            foreach ($op in ($line | ConvertFrom-Json -AsHashtable -Depth 1100).rec.ops) {
                if ($op.ContainsKey('set')) { $responses[$op.set] = $op.entry.response }
                elseif ($op.ContainsKey('remove')) { $responses.Remove($op.remove) }
                elseif ($op.ContainsKey('clear')) { $responses.Clear() }
            }
        }
    }
    $responses
}

<#
.SYNOPSIS
    Writes a cache too large to be rewritten on every call (400 entries of 1 KB, over CacheStore.SmallCacheBytes),
    so the module's next writes go to ai_responses.json.journal. Returns the keys written (their responses are
    'seed <n>' padded to 1 KB).
#>
function Write-LargeCacheFile {
    param([Parameter(Mandatory)] [string] $Directory)
    $keys = foreach ($n in 1..400) { "seed $n" }
    $null = Write-CacheFile -Directory $Directory -Entries @(foreach ($key in $keys) { @{ Key = $key; Response = $key.PadRight(1024, '.') } })
    $keys
}

Export-ModuleMember -Function *
