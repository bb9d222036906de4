<#
    A local stand-in for an HTTP API, so tests can call Invoke-RestMethod against answers they script (a 429 with the
    JSON error body OpenAI sends, then a 200) without a network. It serves on a free loopback port from a runspace of
    its own; Stop-StandInApi ends it.
#>
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')

<#
.SYNOPSIS
    Starts serving -Responses (each @{ Status; Body }, optionally ContentType, default application/json, Headers, and
    Gate, a CountdownEvent the reply waits for)
    in order, one per request, repeating the last; returns @{ Uri; Requests (a synchronized hashtable whose Count is
    how many requests arrived, and Last the last one's @{ Method; Url; Headers; Body }); Shell; Invocation; Listener }.
#>
function Start-StandInApi {
    param([Parameter(Mandatory)] [hashtable[]] $Responses)
    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $probe.Start()
    $port = $probe.LocalEndpoint.Port
    $probe.Stop()
    $listener = [Net.HttpListener]::new()
    $listener.Prefixes.Add("http://127.0.0.1:$port/")
    $listener.Start()
    $requests = [hashtable]::Synchronized(@{ Count = 0 })
    $shell = [powershell]::Create()
    $null = $shell.AddScript({
        param($listener, $responses, $requests)
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $answer = $responses[[Math]::Min($requests.Count, $responses.Count - 1)]
            $requests.Count++
            $request = $context.Request
            $headers = @{}
            foreach ($name in $request.Headers.AllKeys) { $headers[$name] = $request.Headers[$name] }
            $reader = [IO.StreamReader]::new($request.InputStream, [Text.Encoding]::UTF8)
            $requests.Last = @{ Method = $request.HttpMethod; Url = $request.Url.ToString(); Headers = $headers; Body = $reader.ReadToEnd() }
            if ($answer.ContainsKey('Gate')) {
                # A WaitHandle-like gate (a CountdownEvent) the test opens: the reply waits for it, at most 30 s.
                $null = $answer.Gate.Wait([TimeSpan]::FromSeconds(30))
            }
            $bytes = [Text.Encoding]::UTF8.GetBytes($answer.Body)
            $context.Response.StatusCode = $answer.Status
            $context.Response.ContentType = if ($answer.ContainsKey('ContentType')) { $answer.ContentType } else { 'application/json' }
            if ($answer.ContainsKey('Headers')) {
                foreach ($header in $answer.Headers.GetEnumerator()) { $context.Response.Headers[$header.Key] = $header.Value }
            }
            $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $context.Response.Close()
        }
    }).AddArgument($listener).AddArgument($Responses).AddArgument($requests)
    $invocation = $shell.BeginInvoke()
    @{ Uri = "http://127.0.0.1:$port/v1/chat/completions"; Requests = $requests; Shell = $shell; Invocation = $invocation; Listener = $listener }
}

function Stop-StandInApi {
    param([AllowNull()] [hashtable] $Api)
    if ($null -eq $Api) { return }
    $Api.Listener.Stop()
    Close-TestShell -Shell $Api.Shell -Invocation $Api.Invocation
    $Api.Listener.Close()
}

Export-ModuleMember -Function Start-StandInApi, Stop-StandInApi
