using ResponseCache.Core;

namespace ResponseCache.Tests;

/// <summary>The key of an HTTP request: one for every spelling of the same request, none holding a credential.</summary>
public sealed class HttpRequestKeyTests
{
    private static readonly KeyValuePair<string, string>[] s_noHeaders = Array.Empty<KeyValuePair<string, string>>();

    [Theory]
    [InlineData("HTTPS://API.Example.COM:443/v1/Chat?b=2&a=1#part", "https://api.example.com/v1/Chat?a=1&b=2")]
    [InlineData("http://user:password@example.com:80/x", "http://example.com/x")]
    [InlineData("http://example.com:8080/x?z=1&a=2&a=1", "http://example.com:8080/x?a=1&a=2&z=1")]
    [InlineData("https://generativelanguage.googleapis.com/v1/models/m:generateContent?key=AIza-secret&alt=json", "https://generativelanguage.googleapis.com/v1/models/m:generateContent?alt=json")]
    [InlineData("https://example.openai.azure.com/openai?api-version=2024-06-01&api-key=secret", "https://example.openai.azure.com/openai?api-version=2024-06-01")]
    [InlineData("https://example.com/x?access_token=secret", "https://example.com/x")]
    public void A_uri_is_normalized_and_loses_its_credentials(string given, string normalized)
    {
        Assert.Equal(normalized, HttpRequestKey.Normalize(new Uri(given)));
    }

    [Fact]
    public void The_key_holds_the_method_the_uri_the_answer_headers_and_the_canonical_body_and_no_credential()
    {
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer sk-secret",
            ["X-Api-Key"] = "secret",
            ["api-key"] = "secret",
            ["Cookie"] = "session=secret",
            ["Proxy-Authorization"] = "Basic secret",
            ["X-Request-Id"] = "volatile",
            ["Anthropic-Version"] = "2023-06-01",
            ["Content-Type"] = "application/json",
        };

        string key = HttpRequestKey.Compose("post", new Uri("https://API.anthropic.com/v1/messages"), headers, Array.Empty<string>(), RequestBody.Json("""{"model":"m","max_tokens":5}""", Array.Empty<string>()));

        Assert.Equal(
            """{"headers":{"anthropic-version":"2023-06-01","content-type":"application/json"},"json":{"max_tokens":5,"model":"m"},"method":"POST","uri":"https://api.anthropic.com/v1/messages"}""",
            key);
    }

    [Fact]
    public void A_header_named_as_a_key_header_joins_the_key_and_a_credential_header_cannot()
    {
        var headers = new Dictionary<string, string> { ["X-Tenant"] = "a", ["Authorization"] = "Bearer sk-secret" };
        Uri uri = new Uri("https://example.com/");

        Assert.Contains("\"x-tenant\":\"a\"", HttpRequestKey.Compose("GET", uri, headers, new[] { "x-tenant" }, null));
        Assert.DoesNotContain("tenant", HttpRequestKey.Compose("GET", uri, headers, Array.Empty<string>(), null));
        Assert.Throws<ArgumentException>(() => HttpRequestKey.Compose("GET", uri, headers, new[] { "AUTHORIZATION" }, null));
    }

    [Fact]
    public void Bodies_of_different_kinds_are_different_keys_and_ignored_members_are_left_out()
    {
        Uri uri = new Uri("https://example.com/");
        string Key(RequestBody body) => HttpRequestKey.Compose("POST", uri, s_noHeaders, Array.Empty<string>(), body);

        string json = Key(RequestBody.Json("""{"q":1,"request_id":"r-1"}""", new[] { "request_id" }));
        Assert.Equal(json, Key(RequestBody.Json("""{"request_id":"r-2","q":1.0}""", new[] { "request_id" })));
        Assert.Equal(json, Key(RequestBody.Json("""{"q":1}""", Array.Empty<string>())));
        Assert.NotEqual(Key(RequestBody.Json("1", Array.Empty<string>())), Key(RequestBody.Text("1")));
        Assert.NotEqual(Key(RequestBody.Text("AQ==")), Key(RequestBody.Bytes(new byte[] { 1 })));
        Assert.Equal(
            Key(RequestBody.Form(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, Array.Empty<string>())),
            Key(RequestBody.Form(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["ts"] = "now" }, new[] { "ts" })));
    }
}
