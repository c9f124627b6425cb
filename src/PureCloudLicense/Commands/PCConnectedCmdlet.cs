using System.Management.Automation;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>A cmdlet that talks to an org: -Context, else the default connection.</summary>
    public abstract class PCConnectedCmdlet : PCCmdlet
    {
        /// <summary>
        /// <para type="description">The connection to use, from Connect-PCOrganization -PassThru. Default: the last connection made in this process.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public PCContext? Context { get; set; }

        /// <summary>The connection to use; a terminating NotConnected error when there is none.</summary>
        protected PCContext Connection
        {
            get
            {
                var context = Context ?? PCSession.Default;
                if (context == null)
                {
                    ThrowTerminatingError(ErrorRecords.Create(
                        ErrorRecords.NotConnected,
                        ErrorCategory.ConnectionError,
                        "Not connected to a Genesys Cloud org. Run Connect-PCOrganization first, or pass -Context.",
                        null,
                        recommendedAction: "Connect-PCOrganization -Environment <region> -ClientId <id> -ClientSecret (Read-Host -AsSecureString)"));
                }

                if (!context!.IsConnected)
                {
                    ThrowTerminatingError(ErrorRecords.Create(
                        "ContextDisconnected",
                        ErrorCategory.ConnectionError,
                        $"The connection to {context} was closed by Disconnect-PCOrganization. Connect again.",
                        context));
                }

                return context;
            }
        }
    }
}
