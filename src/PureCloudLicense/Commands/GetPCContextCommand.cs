using System.Management.Automation;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows the default connection: environment, org, client id, kind of authentication and token expiry.</para>
    /// <para type="description">Never shows the token or the secret. Outputs nothing when not connected.</para>
    /// <example><code>Get-PCContext</code></example>
    /// <example><code>(Get-PCContext).RetryBudget = New-TimeSpan -Minutes 15   # let long runs wait out more throttling</code></example>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PCContext")]
    [OutputType(typeof(PCContext))]
    public sealed class GetPCContextCommand : PCCmdlet
    {
        protected override void EndProcessing()
        {
            var context = PCSession.Default;
            if (context != null)
            {
                context.HandedOut = true;
                WriteObject(context);
            }
        }
    }
}
