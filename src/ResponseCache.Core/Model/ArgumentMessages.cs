using System;

namespace ResponseCache.Core;

/// <summary>What an argument error says to a PowerShell user.</summary>
public static class ArgumentMessages
{
    /// <summary>
    /// The message without the runtime's "(Parameter 'name')" (or .NET Framework's "Parameter name: name" line), which
    /// names a .NET parameter, says nothing to a PowerShell user, and came out twice once wrapped.
    /// </summary>
    public static string WithoutParameterName(ArgumentException ex)
    {
        if (ex is null)
        {
            throw new ArgumentNullException(nameof(ex));
        }

        string message = ex.Message;
        if (ex.ParamName is string name)
        {
            foreach (string suffix in new[] { $" (Parameter '{name}')", Environment.NewLine + "Parameter name: " + name })
            {
                int at = message.IndexOf(suffix, StringComparison.Ordinal);
                if (at >= 0)
                {
                    message = message.Remove(at, suffix.Length);
                }
            }
        }

        return message.Replace(Environment.NewLine, " ").Trim();
    }
}
