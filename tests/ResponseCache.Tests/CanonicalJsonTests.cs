using System.Globalization;
using System.Text.Json.Nodes;
using ResponseCache.Core;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests;

/// <summary>A request's key is its RFC 8785 canonical JSON, which another program can compute too.</summary>
public sealed class CanonicalJsonTests : CacheTestBase
{
    // RFC 8785 section 3.2.2's example, in and out.
    [Fact]
    public void The_rfcs_own_example_is_canonicalized_as_the_rfc_shows()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        Assert.Equal(
            """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""",
            CanonicalJson.Canonicalize(input));
    }

    // RFC 8785 section 3.2.3: members sort by the UTF-16 code units of their names, so the emoji (a surrogate pair)
    // comes before U+FB33.
    [Fact]
    public void Members_sort_by_utf16_code_units_as_in_the_rfcs_example()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
            "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            CanonicalJson.Canonicalize(input));
    }

    // RFC 8785 appendix B: IEEE 754 bit patterns and the text ECMAScript writes for them.
    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void Numbers_are_written_as_the_rfcs_table_shows(string ieeeHex, string expected)
    {
        double value = BitConverter.Int64BitsToDouble(long.Parse(ieeeHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        Assert.Equal(expected, EcmaScriptNumber.Format(value));
    }

    [Theory]
    [InlineData("7ff8000000000000")]
    [InlineData("7ff0000000000000")]
    [InlineData("fff0000000000000")]
    public void Nan_and_infinity_have_no_canonical_form(string ieeeHex)
    {
        double value = BitConverter.Int64BitsToDouble(long.Parse(ieeeHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        Assert.Throws<ArgumentOutOfRangeException>(() => EcmaScriptNumber.Format(value));
    }

    [Theory]
    [InlineData("1E2", "100")]
    [InlineData("100.0", "100")]
    [InlineData("-0.0", "0")]
    [InlineData("-0", "0")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("123e-2", "1.23")]
    // Whole numbers keep every digit, as Python writes an int: two 64-bit seeds never round to one key.
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("12345678901234567891", "12345678901234567891")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    public void A_number_has_one_text_however_it_was_written(string written, string canonical)
    {
        Assert.Equal(canonical, CanonicalJson.Canonicalize(written));
    }

#if NETCOREAPP
    // .NET Core 3.0 and later format "R" as the shortest text that round-trips (the same digits ECMAScript picks);
    // .NET Framework does not, which is why the engine computes them itself.
    [Fact]
    public void Numbers_have_the_digits_of_the_shortest_round_trip()
    {
        var random = new Random(8785);
        var bits = new byte[8];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(bits);

            // Any bit pattern, and numbers of the sizes requests hold.
            double value = i % 2 == 0 ? BitConverter.ToDouble(bits, 0) : Math.Round(random.NextDouble() * Math.Pow(10, random.Next(-8, 23)), random.Next(0, 12));
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                continue;
            }

            string text = EcmaScriptNumber.Format(value);
            Assert.Equal(value == 0 ? 0 : value, double.Parse(text, CultureInfo.InvariantCulture));
            Assert.Equal(SignificantDigits(value.ToString("R", CultureInfo.InvariantCulture)), SignificantDigits(text));
        }
    }

    private static string SignificantDigits(string number)
    {
        string mantissa = number.Split('e', 'E')[0].Replace("-", string.Empty).Replace(".", string.Empty);
        return mantissa.Trim('0');
    }
#endif

    [Fact]
    public void Member_order_and_white_space_do_not_change_the_text()
    {
        string one = CanonicalJson.Canonicalize("""{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.70}""");
        string other = CanonicalJson.Canonicalize("""
            { "temperature": 7e-1,
              "messages": [ { "content": "hi", "role": "user" } ],
              "model": "m" }
            """);

        Assert.Equal("""{"messages":[{"content":"hi","role":"user"}],"model":"m","temperature":0.7}""", one);
        Assert.Equal(one, other);
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"a":1} {"b":2}""")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("1e400")]
    [InlineData("\"\\ud800\"")]
    public void Text_without_one_canonical_form_is_refused(string json)
    {
        Assert.ThrowsAny<ArgumentException>(() => CanonicalJson.Canonicalize(json));
    }

    // The documented promise: for strings, whole numbers, booleans, nulls, arrays and objects with ASCII member names,
    // the key is Python's json.dumps(obj, sort_keys=True, separators=(',', ':'), ensure_ascii=False), and the entry's
    // KeyHash is the SHA-256 of its UTF-8.
    [PythonFact]
    public void The_key_equals_pythons_sorted_compact_dumps_and_hashes_as_python_hashes_it()
    {
        string[] requests =
        {
            """{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":64,"stream":false,"stop":null}""",
            """{"z":1,"a":[],"M":{},"_":{"b":true,"a":false},"aa":-12345678901234567890,"a0":0,"A":"x"}""",
            """["caf\u00e9 \u4e2d\u6587 \ud83d\ude80 \ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67", "quote \" backslash \\ slash /"]""",
            """{"controls":"\n\r\t\b\f \u0001 \u001b \u001f \u007f \u2028 \u2029 \ufeff","html":"<script>&amp;'+`</script>"}""",
            """{"seed":9007199254740993,"n":[0,-1,1,2147483648,-9223372036854775809]}""",
            "\"just text\"",
            "null",
        };

        JsonArray python = ReferenceCacheManager.Run(
            CacheDirectory,
            requests.Select(request => new object?[] { "sorted_dumps", JsonNode.Parse(request) }).ToArray());

        for (int i = 0; i < requests.Length; i++)
        {
            string key = CanonicalJson.Canonicalize(requests[i]);
            Assert.Equal(python[i]![0]!.GetValue<string>(), key);
            Assert.Equal(python[i]![1]!.GetValue<string>(), KeyHash.Compute(key).ToString());
        }
    }
}
