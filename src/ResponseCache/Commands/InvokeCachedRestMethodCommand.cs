using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Text.Json;
using ResponseCache.Completion;
using ResponseCache.Core;
using ResponseCache.Json;

namespace ResponseCache.Commands;

/// <summary>
/// Invoke-RestMethod that never pays twice: the request (method, normalized URI, canonical body, the headers that
/// change the answer, never a credential) is the key; on a miss Invoke-RestMethod runs with the caller's parameters
/// unchanged and a successful reply is cached; on a hit the same objects come back. An HTTP error is
/// Invoke-RestMethod's own, and nothing is cached. One caller per request runs at a time (the service's get-or-add).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "CachedRestMethod", HelpUri = HelpUris.Cmdlets)]
[OutputType(typeof(PSObject), typeof(string))]
public sealed class InvokeCachedRestMethodCommand : ResponseCacheCommand
{
    private const string InvokeRestMethod = "Microsoft.PowerShell.Utility\\Invoke-RestMethod";

    // Runs Invoke-RestMethod with the caller's parameters and hands back each object as it was written (an array written
    // whole stays one), with the status code and headers where the host's Invoke-RestMethod gives them (PowerShell 7).
    private const string RunnerScript = """
        param($__rcParameters, $__rcWithStatus)
        $__rcOutput = [System.Collections.ObjectModel.Collection[psobject]]::new()
        if ($__rcWithStatus) {
            Microsoft.PowerShell.Utility\Invoke-RestMethod @__rcParameters -StatusCodeVariable __rcStatus -ResponseHeadersVariable __rcHeaders | ForEach-Object { $__rcOutput.Add($_) }
        } else {
            $__rcStatus = $null; $__rcHeaders = $null
            Microsoft.PowerShell.Utility\Invoke-RestMethod @__rcParameters | ForEach-Object { $__rcOutput.Add($_) }
        }
        @{ Output = $__rcOutput; Status = $__rcStatus; Headers = $__rcHeaders }
        """;

    // The cache's own parameters, and the two variables this cmdlet sets itself: none reaches Invoke-RestMethod.
    private static readonly HashSet<string> s_ownParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        nameof(Path), nameof(ConnectionString), nameof(Namespace), nameof(CacheCredential), nameof(TtlDays), nameof(Force),
        nameof(CacheKeyHeader), nameof(IgnoreBodyProperty), nameof(Tag), nameof(ExpiresAfter), nameof(CacheStatusVariable), nameof(StatusCodeVariable), nameof(ResponseHeadersVariable),
        "ErrorAction", "ErrorVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WarningVariable", "InformationVariable",
    };

    /// <summary>The URI of the request.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public Uri? Uri { get; set; }

    /// <summary>The HTTP method (Invoke-RestMethod's default, GET, when not given).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HttpMethodCompleter))]
    public string? Method { get; set; }

    /// <summary>The request's body: JSON text, a form dictionary, text or bytes, as Invoke-RestMethod takes it.</summary>
    [Parameter(ValueFromPipeline = true)]
    public object? Body { get; set; }

    /// <summary>The request's headers; only those that change the answer are in the key, never a credential.</summary>
    [Parameter]
    public IDictionary? Headers { get; set; }

    /// <summary>The request's content type.</summary>
    [Parameter]
    public string? ContentType { get; set; }

    /// <summary>The credential of the request (not the cache's: that is -CacheCredential); never part of the key.</summary>
    [Parameter]
    [Credential]
    public override PSCredential? Credential { get => base.Credential; set => base.Credential = value; }

    /// <summary>Invoke-RestMethod's -Authentication (PowerShell 7).</summary>
    [Parameter]
    public string? Authentication { get; set; }

    /// <summary>Invoke-RestMethod's -Token (PowerShell 7); never part of the key.</summary>
    [Parameter]
    public SecureString? Token { get; set; }

    /// <summary>Invoke-RestMethod's -AllowUnencryptedAuthentication (PowerShell 7).</summary>
    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    /// <summary>Invoke-RestMethod's -TimeoutSec.</summary>
    [Parameter]
    public int? TimeoutSec { get; set; }

    /// <summary>Invoke-RestMethod's -MaximumRetryCount (PowerShell 7).</summary>
    [Parameter]
    public int? MaximumRetryCount { get; set; }

    /// <summary>Invoke-RestMethod's -RetryIntervalSec (PowerShell 7).</summary>
    [Parameter]
    public int? RetryIntervalSec { get; set; }

    /// <summary>Invoke-RestMethod's -SkipCertificateCheck (PowerShell 7).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Invoke-RestMethod's -UserAgent.</summary>
    [Parameter]
    public string? UserAgent { get; set; }

    /// <summary>A variable for the response headers, from the reply that was cached on a hit (PowerShell 7).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ResponseHeadersVariable { get; set; }

    /// <summary>A variable for the status code, from the reply that was cached on a hit (PowerShell 7).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StatusCodeVariable { get; set; }

    /// <summary>The Redis user and password of the cache (-Credential is the request's).</summary>
    [Parameter]
    [Credential]
    public PSCredential? CacheCredential { get; set; }

    /// <summary>The freshness this caller accepts: an older entry is a miss (the cache's TtlDays when not given).</summary>
    [Parameter]
    [ValidateTtlDays]
    public double? TtlDays { get; set; }

    /// <summary>Calls the API even on a hit, refreshing the entry.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Headers beyond the documented ones that change the answer, and so belong in the key.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[] CacheKeyHeader { get; set; } = Array.Empty<string>();

    /// <summary>Top-level members of a JSON body (or fields of a form) that do not change the answer: a request id, a timestamp.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[] IgnoreBodyProperty { get; set; } = Array.Empty<string>();

    /// <summary>Tags for the reply's entry, to list and remove it by (Get-CacheEntry, Remove-CachedResponse, Clear-ResponseCache -Tag).</summary>
    [Parameter]
    [ValidateNotNull]
    [ValidateTag]
    [ArgumentCompleter(typeof(TagCompleter))]
    public string[]? Tag { get; set; }

    /// <summary>A lifetime of the reply's entry: it expires then, or at the cache's TTL if that comes first.</summary>
    [Parameter]
    [ValidateLifetime]
    public TimeSpan? ExpiresAfter { get; set; }

    /// <summary>The name of a variable that gets what the call did (<see cref="CacheLookupOutcome"/>): Hit, Miss, Refreshed or Waited.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CacheStatusVariable { get; set; }

    private protected override PSCredential? CacheCredentialValue => CacheCredential;

    protected override void BeginProcessing()
    {
        EnsureHostHasParameters();
        base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        Hashtable parameters = PassedParameters();
        if (AsksForStream())
        {
            WriteVerbose("The body asks for a stream (\"stream\": true): the request is passed to Invoke-RestMethod uncached.");
            Emit(Run(parameters), fromCache: false);
            return;
        }

        if (ChangesWhatItNames())
        {
            WriteVerbose($"A {Method!.ToUpperInvariant()} request changes what it names, so each one must reach the server: it is passed to Invoke-RestMethod uncached.");
            Emit(Run(parameters), fromCache: false);
            return;
        }

        if (!TryComposeKey(out string key))
        {
            return;
        }

        bool produced = false;
        CachedRestReply? reply = null;
        try
        {
            byte[]? json = Cache.GetOrAdd(key, new CachePolicy(null, TtlDays, null), Force, () =>
            {
                produced = true;
                reply = Run(parameters);
                return reply.ToJson();
            }, Log, Cancellation, entry: new EntryOptions(Tag, ExpiresAfter, CachedRestReply.UsageOf), report: outcome => SetCallerVariable(CacheStatusVariable, outcome));
            if (json is null)
            {
                return;
            }

            Emit(produced ? reply! : CachedRestReply.FromJson(json), fromCache: !produced);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (RuntimeException ex) when (ex is not PipelineStoppedException)
        {
            // Invoke-RestMethod's own error: its id, its ErrorDetails (the API's error body), its exception (the status
            // code, the Retry-After header). It left the runner on its way here, so $Error holds it once, as this
            // cmdlet's error, not twice.
            ForgetError(ex.ErrorRecord.Exception);
            throw;
        }
        catch (Exception ex) when (CacheErrorRecords.TryCreate(ex, KeyText.Describe(key), out ErrorRecord record))
        {
            // The answer was paid for: hand it over even though it could not be cached.
            WriteError(record);
            if (produced && reply is not null)
            {
                Emit(reply, fromCache: false);
            }
        }
    }

    private void Emit(CachedRestReply reply, bool fromCache)
    {
        SetCallerVariable(StatusCodeVariable, reply.StatusCode);
        SetCallerVariable(ResponseHeadersVariable, reply.Headers);

        if (fromCache)
        {
            WriteVerbose("The reply came from the cache; Invoke-RestMethod was not called.");
        }

        foreach (PSObject item in reply.Output)
        {
            WriteObject(item, enumerateCollection: false);
        }
    }

    private CachedRestReply Run(Hashtable parameters)
    {
        bool withStatus = !ModuleHost.IsWindowsPowerShell;
        Collection<PSObject> result = ScriptBlock.Create(RunnerScript).Invoke(parameters, withStatus);
        var outcome = (Hashtable)result[0].BaseObject;
        return CachedRestReply.FromInvocation((Collection<PSObject>)Unwrap(outcome["Output"])!, outcome["Status"], outcome["Headers"]);
    }

    // The caller's parameters as they were bound, less the cache's own: Invoke-RestMethod gets them unchanged.
    private Hashtable PassedParameters()
    {
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object> bound in MyInvocation.BoundParameters)
        {
            if (!s_ownParameters.Contains(bound.Key))
            {
                parameters[bound.Key] = bound.Value;
            }
        }

        // The runner's errors come back to this cmdlet, which passes them on as its own.
        parameters["ErrorAction"] = ActionPreference.Stop;
        return parameters;
    }

    // A parameter the host's Invoke-RestMethod lacks (Windows PowerShell has no -Token) is refused, not dropped: a
    // request sent without its token or its certificate check would not be the request the caller wrote.
    private void EnsureHostHasParameters()
    {
        CommandInfo? command = InvokeCommand.GetCommand(InvokeRestMethod, CommandTypes.Cmdlet);
        if (command is null)
        {
            return;
        }

        var known = new HashSet<string>(
            command.Parameters.Values.SelectMany(parameter => parameter.Aliases.Prepend(parameter.Name)),
            StringComparer.OrdinalIgnoreCase);
        foreach (string name in MyInvocation.BoundParameters.Keys.Where(name => !s_ownParameters.Contains(name) || name is nameof(StatusCodeVariable) or nameof(ResponseHeadersVariable)))
        {
            if (!known.Contains(name))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new PSNotSupportedException($"-{name} is a parameter of PowerShell 7's Invoke-RestMethod, which this host (PowerShell {PSVersionInfoText()}) does not have; the request would not be the one written."),
                    ErrorIds.RequestParameterNotSupported,
                    ErrorCategory.NotImplemented,
                    name));
            }
        }
    }

    private string PSVersionInfoText() =>
        Convert.ToString(((Hashtable)GetVariableValue("PSVersionTable")!)["PSVersion"], CultureInfo.InvariantCulture) ?? "?";

    // PUT, PATCH, DELETE (and MERGE) are not answers to look up again but changes to make: a second one answered from
    // the cache would never be sent. GET, HEAD, OPTIONS and POST (how AI APIs are asked) are cached.
    private bool ChangesWhatItNames() =>
        Method is string method && new[] { "PUT", "PATCH", "DELETE", "MERGE" }.Contains(method.ToUpperInvariant());

    private bool AsksForStream()
    {
        if (Unwrap(Body) is not string text)
        {
            return Unwrap(Body) is IDictionary dictionary && dictionary.Contains("stream") && Unwrap(dictionary["stream"]) is true;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("stream", out JsonElement stream)
                && stream.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool TryComposeKey(out string key)
    {
        key = string.Empty;
        try
        {
            var headers = new List<KeyValuePair<string, string>>();
            if (Headers is not null)
            {
                foreach (DictionaryEntry header in Headers)
                {
                    headers.Add(new KeyValuePair<string, string>(Text(header.Key), HeaderValue(header.Value)));
                }
            }

            if (ContentType is not null)
            {
                headers.Add(new KeyValuePair<string, string>("Content-Type", ContentType));
            }

            key = HttpRequestKey.Compose(Method ?? "GET", Uri!, headers, CacheKeyHeader, KeyBody());
            return true;
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, ErrorIds.InvalidRequest, ErrorCategory.InvalidArgument, Uri));
            return false;
        }
    }

    // JSON text as canonical JSON (unless the content type says it is something else); a dictionary as the form it is
    // sent as; other text as text; bytes as bytes; any other object as its JSON.
    private RequestBody? KeyBody()
    {
        object? body = Unwrap(Body);
        switch (body)
        {
            case null:
                return null;
            case byte[] bytes:
                return RequestBody.Bytes(bytes);
            case string text when ContentType is null || ContentType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0:
                try
                {
                    return RequestBody.Json(text, IgnoreBodyProperty);
                }
                catch (ArgumentException)
                {
                    return RequestBody.Text(text);
                }

            case string text:
                return RequestBody.Text(text);
            case IDictionary form:
                return RequestBody.Form(form.Cast<DictionaryEntry>().Select(field => new KeyValuePair<string, string>(Text(field.Key), Text(field.Value))), IgnoreBodyProperty);
            default:
                return RequestBody.Json(RequestKey.From(Body!), IgnoreBodyProperty);
        }
    }

    private static string HeaderValue(object? value) => Unwrap(value) is IEnumerable values && Unwrap(value) is not string
        ? string.Join(", ", values.Cast<object?>().Select(Text))
        : Text(value);

    private static string Text(object? value) => Convert.ToString(Unwrap(value), CultureInfo.InvariantCulture) ?? string.Empty;

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
