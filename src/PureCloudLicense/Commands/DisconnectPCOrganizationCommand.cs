using System.Management.Automation;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// <para type="synopsis">Closes a connection and forgets its token and secret.</para>
    /// <para type="description">Without -Context, closes the default connection. Doing so when nothing is connected is not an error, so a runbook can always call it in a finally block.</para>
    /// <example><code>try { Connect-PCOrganization; Get-PCLicenseUser | Export-Csv licenses.csv } finally { Disconnect-PCOrganization }</code></example>
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "PCOrganization")]
    [OutputType(typeof(void))]
    public sealed class DisconnectPCOrganizationCommand : PCCmdlet
    {
        /// <summary><para type="description">The connection to close. Default: the default connection.</para></summary>
        [Parameter(ValueFromPipeline = true)]
        [ValidateNotNull]
        public PCContext? Context { get; set; }

        protected override void ProcessRecord()
        {
            var context = Context ?? PCSession.ClearDefault();
            if (context == null)
            {
                WriteVerbose("Not connected: nothing to disconnect.");
                return;
            }

            PCSession.ClearDefault(context);
            context.Dispose();
            WriteVerbose($"Disconnected from {context}.");
        }
    }
}
