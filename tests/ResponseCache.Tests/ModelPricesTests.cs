using ResponseCache.Core;
using Xunit;

namespace ResponseCache.Tests;

public class ModelPricesTests
{
    private static readonly ModelPrices Prices = ModelPrices.None.With(
        new[] { new ModelPrice("gpt-4o", 2.50, 10.00), new ModelPrice("claude-sonnet-4", 3.00, 15.00), new ModelPrice("gpt-4o-mini", 0.15, 0.60) },
        System.Array.Empty<string>());

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("claude-sonnet-4-20250514", "claude-sonnet-4")]
    [InlineData("GPT-4o", "gpt-4o")]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    public void A_reply_s_dated_model_name_takes_the_price_of_the_model_it_was_asked_for(string replied, string priced)
    {
        Assert.Equal(priced, Prices.For(replied)?.Model);
    }

    [Theory]
    [InlineData("gpt-4o-realtime")]
    [InlineData("gpt-4")]
    [InlineData("claude-sonnet-4-2025")]
    public void A_name_that_is_not_a_priced_model_or_its_dated_release_has_no_price(string replied)
    {
        Assert.Null(Prices.For(replied));
    }

    [Fact]
    public void A_price_for_the_dated_release_itself_wins_over_the_model_s()
    {
        ModelPrices prices = Prices.With(new[] { new ModelPrice("gpt-4o-2024-05-13", 5.00, 15.00) }, System.Array.Empty<string>());

        Assert.Equal(5.00, prices.For("gpt-4o-2024-05-13")?.Input);
        Assert.Equal(2.50, prices.For("gpt-4o-2024-08-06")?.Input);
    }
}
