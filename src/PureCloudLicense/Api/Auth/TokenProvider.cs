using System;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api.Auth
{
    /// <summary>How a context authenticates.</summary>
    public enum AuthKind
    {
        /// <summary>OAuth client credentials: the module gets and renews tokens itself.</summary>
        ClientCredentials,

        /// <summary>A bearer token obtained elsewhere, used as is and never renewed.</summary>
        AccessToken,
    }

    /// <summary>Supplies bearer tokens to the HTTP pipeline.</summary>
    internal abstract class TokenProvider : IDisposable
    {
        public abstract AuthKind Kind { get; }

        /// <summary>When the current token expires, when known.</summary>
        public abstract DateTimeOffset? ExpiresOn { get; }

        /// <summary>True when a rejected token can be replaced by a new one.</summary>
        public abstract bool CanRenew { get; }

        /// <summary>A token valid for a while yet; renews one that is about to expire.</summary>
        public abstract Task<string> GetTokenAsync(CancellationToken cancellationToken);

        /// <summary>A token other than <paramref name="rejectedToken"/>, which the service refused.</summary>
        public abstract Task<string> RenewAsync(string rejectedToken, CancellationToken cancellationToken);

        public virtual void Dispose()
        {
        }
    }
}
