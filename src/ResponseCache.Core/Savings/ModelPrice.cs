using System;

namespace ResponseCache.Core;

/// <summary>What one model costs, in the user's currency per million tokens.</summary>
public sealed class ModelPrice : IEquatable<ModelPrice>
{
    public ModelPrice(string model, double input, double output)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ArgumentException("A price needs a model name.");
        }

        Model = model;
        Input = IsValid(input) ? input : throw new ArgumentException($"The input price of '{model}' must be a finite number, 0 or more, per million tokens.");
        Output = IsValid(output) ? output : throw new ArgumentException($"The output price of '{model}' must be a finite number, 0 or more, per million tokens.");
    }

    public string Model { get; }

    /// <summary>Per million input tokens.</summary>
    public double Input { get; }

    /// <summary>Per million output tokens.</summary>
    public double Output { get; }

    /// <summary>What these tokens cost at this price.</summary>
    public double CostOf(long inputTokens, long outputTokens) => (inputTokens * Input + outputTokens * Output) / 1_000_000;

    public bool Equals(ModelPrice? other) =>
        other is not null && ModelPrices.Comparer.Equals(Model, other.Model) && Input.Equals(other.Input) && Output.Equals(other.Output);

    public override bool Equals(object? obj) => Equals(obj as ModelPrice);

    public override int GetHashCode() => ModelPrices.Comparer.GetHashCode(Model) ^ Input.GetHashCode() ^ Output.GetHashCode();

    public override string ToString() => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}: input {1}, output {2} per million tokens", Model, Input, Output);

    private static bool IsValid(double price) => !double.IsNaN(price) && !double.IsInfinity(price) && price >= 0;
}
