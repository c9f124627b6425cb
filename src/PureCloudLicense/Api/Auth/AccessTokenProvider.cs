using System;
using System.Security;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api.Auth
{
    /// <summary>A token the caller obtained elsewhere. It cannot be renewed: a 401 means "connect again".</summary>
    internal sealed class AccessTokenProvider : TokenProvider
    {
        private readonly SecureString token;

        public AccessTokenProvider(SecureString token)
        {
            if (token == null || token.Length == 0)
            {
                throw new ArgumentException("The access token is empty.", nameof(token));
            }

            this.token = SecretText.ReadOnlyCopy(token);
        }

        public override AuthKind Kind => AuthKind.AccessToken;

        public override DateTimeOffset? ExpiresOn => null;

        public override bool CanRenew => false;

        public override Task<string> GetTokenAsync(CancellationToken cancellationToken) =>
            Task.FromResult(SecretText.Reveal(token));

        public override Task<string> RenewAsync(string rejectedToken, CancellationToken cancellationToken) =>
            Task.FromResult(SecretText.Reveal(token));

        public override void Dispose() => token.Dispose();
    }
}
