using System.Linq;
using System.Management.Automation.Language;

namespace ResponseCache.Completion;

/// <summary>How a completer writes a value into the command line so PowerShell reads it back as that one argument.</summary>
internal static class CompletionText
{
    /// <summary>The word typed so far without its opening (or closing) quote.</summary>
    public static string Unquoted(string? wordToComplete) => (wordToComplete ?? string.Empty).Trim('\'', '"');

    /// <summary>Whether the user began the word with a quote: the completion keeps one then.</summary>
    public static bool IsQuoted(string? wordToComplete) => Unquoted(wordToComplete).Length != (wordToComplete ?? string.Empty).Length;

    /// <summary>The value as PowerShell reads it back as one argument: bare when the parser takes it so, else single-quoted.</summary>
    public static string AsArgument(string value, bool quoted)
    {
        if (!quoted && IsBareWord(value))
        {
            return value;
        }

        return "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
    }

    private static bool IsBareWord(string value)
    {
        ScriptBlockAst parsed = Parser.ParseInput("Get-CacheStats -Namespace " + value, out _, out ParseError[] errors);
        return errors.Length == 0
            && parsed.EndBlock?.Statements.SingleOrDefault() is PipelineAst { PipelineElements.Count: 1 } pipeline
            && pipeline.PipelineElements[0] is CommandAst command
            && command.CommandElements.Count == 3
            && command.CommandElements[2] is StringConstantExpressionAst { StringConstantType: StringConstantType.BareWord } word
            && word.Value == value;
    }
}
