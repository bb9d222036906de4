BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Sharing ai_responses.json with the Python CacheManager' {
    BeforeEach {
        $dir = New-CacheDirectoryPath -Parent $TestDrive
    }

    Context 'A cache past the size where sets go to the journal' {
        It 'has every entry of a 5,000-item pipeline in ai_responses.json once the pipeline''s process has ended' {
            $run = Invoke-FreshPwsh -Script "1..5000 | ForEach-Object { [pscustomobject]@{ Key = `"item `$_`"; Response = `"answer `$_ `" + ('x' * 100) } } | Set-CachedResponse -Path '$dir' -MaxEntries 10000"
            $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
            (Get-Item -LiteralPath (Get-CacheFilePath $dir)).Length | Should -BeGreaterThan 256KB -Because 'a cache this large journals its sets'

            $seen = Invoke-ReferenceCache -Directory $dir -MaxEntries 10000 -Code "print(len(cm.cache)); print(cm.get('item 4321'))"

            $seen[0] | Should -Be 5000
            $seen[1] | Should -BeExactly ('answer 4321 ' + ('x' * 100))
        }

        It 'Get-CacheStats shows FileEntries, what the reference counts, beside TotalEntries, and warns when the reference evicted at its lower cap' {
            $run = Invoke-FreshPwsh -Script "1..150 | ForEach-Object { [pscustomobject]@{ Key = `"item `$_`"; Response = 'x' * 3000 } } | Set-CachedResponse -Path '$dir' -MaxEntries 1000"
            $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")
            # The reference at its default max_entries of 100 stores one entry and evicts down to its cap.
            $null = Invoke-ReferenceCache -Directory $dir -Code "cm.set('from python', 'kept')"

            $stats = Get-CacheStats -Path $dir -WarningVariable warnings -WarningAction SilentlyContinue

            $stats.TotalEntries | Should -Be 100
            $stats.FileEntries | Should -Be 100
            $warnings.Count | Should -Be 1
            "$($warnings[0])" | Should -Match 'rewritten by another program.*100 entries.*MaxEntries \(1000\).*max_entries=1000'
        }
    }

    Context 'The Python reference CacheManager' {
        It 'get() returns the text response the module wrote, also for a key beyond ASCII' {
            $key = 'résumé ✓ 🚀'
            Set-CachedResponse -Key $key -Response 'über' -Path $dir

            $answer = Invoke-ReferenceCache -Directory $dir -Code "print(json.dumps(cm.get('$key')))" | ConvertFrom-Json

            $answer | Should -BeExactly 'über'
        }

        It 'get() returns a dict for an object response the module wrote' {
            Set-CachedResponse -Key 'object' -Response ([ordered]@{ role = 'assistant'; tokens = 12; parts = @('a', 'b') }) -Path $dir

            $answer = Invoke-ReferenceCache -Directory $dir -Code "r = cm.get('object'); print(type(r).__name__); print(json.dumps(r))"

            $answer[0] | Should -BeExactly 'dict'
            $answer[1] | Should -BeExactly '{"role": "assistant", "tokens": 12, "parts": ["a", "b"]}'
        }

        It 'the module writes each entry''s fields as the reference does, text_length counted as Python''s len()' {
            $key = 'emoji 🚀'
            # A zone away from UTC on both sides, so a timestamp written in UTC would not match.
            $zone = @{ TZ = 'Asia/Kolkata' }
            $run = Invoke-FreshPwsh -Environment $zone -Script "Set-CachedResponse -Key '$key' -Response 'x' -Path '$dir'"
            $run.ExitCode | Should -Be 0 -Because ($run.Errors -join "`n")

            $entry = Invoke-ReferenceCache -Environment $zone -Directory $dir -Code @"
e = cm.cache[cm._generate_key('$key')]
import time
print(json.dumps({
    'fields': sorted(e.keys()),
    'text_length': e['text_length'],
    'python_len': len('$key'),
    'times_ok': isinstance(e['created_at'], float) and e['created_at'] <= e['last_accessed'],
    'timestamp': e['timestamp'],
    'local_created': time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(e['created_at'])),
}))
"@ | ConvertFrom-Json

            $entry.fields | Should -Be @('created_at', 'last_accessed', 'response', 'text_length', 'timestamp')
            $entry.python_len | Should -Be 7 -Because 'Python counts the emoji as one character, .NET as two UTF-16 units'
            $entry.text_length | Should -Be $entry.python_len
            $entry.times_ok | Should -BeTrue
            $entry.timestamp | Should -Match '^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$'
            $entry.timestamp | Should -BeExactly $entry.local_created -Because 'the timestamp is created_at in local time, as time.strftime writes it'
        }

        It 'the module writes the file byte for byte as the reference rewrites it: emoji and separators as UTF-8, only quotes, backslashes and controls escaped' {
            $texts = "rocket $([char]::ConvertFromUtf32(0x1F680)) and family $([char]::ConvertFromUtf32(0x1F469))", "line $([char]0x2028) separator, del $([char]0x7f)", 'quote " backslash \ <html> & ''', "tab`t newline`n escape $([char]0x1b) end"
            foreach ($i in 0..($texts.Count - 1)) { Set-CachedResponse -Key "text $i" -Response $texts[$i] -Path $dir }
            $file = Join-Path $dir 'ai_responses.json'

            $rewritten = Invoke-ReferenceCache -Directory $dir -Code @"
raw = open(cm.cache_file, 'rb').read()
print(json.dumps(raw == json.dumps(json.loads(raw.decode('utf-8')), ensure_ascii=False, indent=2).encode('utf-8')))
"@

            $rewritten | Should -BeExactly 'true' -Because 'a file the Python tool rewrites unchanged does not churn in a diff'
            [IO.File]::ReadAllText($file) | Should -Not -Match '\\u[dD][89abAB]' -Because 'an emoji is its UTF-8 bytes, not a surrogate pair escape'
        }

        It 'get() reads a response nested as deep as -Depth allows, and a deeper -Depth is refused' {
            $nested = 'leaf'
            foreach ($level in 1..100) { $nested = @{ inner = $nested } }
            Set-CachedResponse -Key 'deep' -Response $nested -Depth 100 -Path $dir -ErrorAction Stop

            $depth = Invoke-ReferenceCache -Directory $dir -Code @"
r, depth = cm.get('deep'), 0
while isinstance(r, dict):
    r, depth = r['inner'], depth + 1
print(depth, r)
"@

            $depth | Should -BeExactly '100 leaf'
            { Set-CachedResponse -Key 'deeper' -Response $nested -Depth 101 -Path $dir } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,ResponseCache.Commands.SetCachedResponseCommand'
        }

        It 'the module reads a text response the reference wrote' {
            $null = Invoke-ReferenceCache -Directory $dir -Code "cm.set('from python', 'a Python answer')"

            Get-CachedResponse -Key 'from python' -Path $dir | Should -BeExactly 'a Python answer'
        }

        It 'the module reads a JSON object response the reference wrote as a PSCustomObject' {
            $null = Invoke-ReferenceCache -Directory $dir -Code "cm.set('object from python', {'title': 'T', 'scenes': [{'n': 1}, {'n': 2}]})"

            $cached = Get-CachedResponse -Key 'object from python' -Path $dir

            $cached | Should -BeOfType [pscustomobject]
            $cached.title | Should -BeExactly 'T'
            $cached.scenes.n | Should -Be @(1, 2)
        }

        It 'keeps fields it does not know when it rewrites the file' {
            $null = Invoke-ReferenceCache -Directory $dir -Code @"
cm.set('annotated', 'x')
cm.cache[cm._generate_key('annotated')]['model'] = {'name': 'gpt', 'version': 4}
cm.flush()
"@
            Set-CachedResponse -Key 'another' -Response 'y' -Path $dir

            $model = Invoke-ReferenceCache -Directory $dir -Code "print(json.dumps(cm.cache[cm._generate_key('annotated')]['model']))" | ConvertFrom-Json

            $model.name | Should -BeExactly 'gpt'
            $model.version | Should -Be 4
        }
    }
}
