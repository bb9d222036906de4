using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace ResponseCacheTests
{
    /// <summary>
    /// A host for a runspace of the test's own that answers every prompt with the choice it was given and keeps what
    /// each prompt said: a -Confirm prompt, which a non-interactive pwsh refuses, seen as a user sees it.
    /// </summary>
    public sealed class RecordingHost : PSHost
    {
        private readonly RecordingHostUserInterface _ui;

        public RecordingHost(string answer)
        {
            _ui = new RecordingHostUserInterface(answer);
        }

        /// <summary>Each prompt's caption and message, one line each.</summary>
        public List<string> Prompts => _ui.Prompts;

        public override string Name => "ResponseCacheTests.RecordingHost";

        public override Version Version { get; } = new Version(1, 0);

        public override Guid InstanceId { get; } = Guid.NewGuid();

        public override PSHostUserInterface UI => _ui;

        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

        public override void SetShouldExit(int exitCode)
        {
        }

        public override void EnterNestedPrompt() => throw new NotSupportedException();

        public override void ExitNestedPrompt() => throw new NotSupportedException();

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }
    }

    public sealed class RecordingHostUserInterface : PSHostUserInterface
    {
        private readonly string _answer;

        public RecordingHostUserInterface(string answer)
        {
            _answer = answer;
        }

        public List<string> Prompts { get; } = new List<string>();

        public override PSHostRawUserInterface RawUI => null;

        /// <summary>The choice whose label, without its hot-key ampersand, is the answer; "No" answers a -Confirm prompt with No.</summary>
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(caption + "\n" + message);
            for (int i = 0; i < choices.Count; i++)
            {
                if (choices[i].Label.Replace("&", string.Empty) == _answer)
                {
                    return i;
                }
            }

            throw new InvalidOperationException("The prompt offers no choice '" + _answer + "'.");
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException(message);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException(message);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new NotSupportedException(message);

        public override string ReadLine() => throw new NotSupportedException();

        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();

        public override void Write(string value)
        {
        }

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
        {
        }

        public override void WriteLine(string value)
        {
        }

        public override void WriteErrorLine(string value)
        {
        }

        public override void WriteDebugLine(string message)
        {
        }

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override void WriteVerboseLine(string message)
        {
        }

        public override void WriteWarningLine(string message)
        {
        }
    }
}
