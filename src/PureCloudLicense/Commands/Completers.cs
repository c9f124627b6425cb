using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PureCloudLicense.Api;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>Completes -Environment with the known region codes and environment names.</summary>
    public sealed class EnvironmentCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            foreach (var region in GenesysEnvironment.KnownRegions)
            {
                foreach (var name in new[] { region.Key, region.Value })
                {
                    if (name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    {
                        var tooltip = name == region.Key ? region.Key + " → " + region.Value : region.Value + " (" + region.Key + ")";
                        yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, tooltip);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Completes license ids from the org of -Context or of the default connection. The ids are cached per
    /// context, so a Tab costs at most one call every few minutes, and nothing when not connected.
    /// </summary>
    public sealed class LicenseIdCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var context = (fakeBoundParameters?["Context"] as PSObject)?.BaseObject as PCContext
                          ?? fakeBoundParameters?["Context"] as PCContext
                          ?? PCSession.Default;
            if (context == null || !context.IsConnected)
            {
                return Enumerable.Empty<CompletionResult>();
            }

            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return context.Definitions.GetIds(Wait)
                .Where(id => id.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, id));
        }
    }
}
