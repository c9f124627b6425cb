using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api;

namespace PureCloudLicense.Models
{
    /// <summary>The org's license ids for tab completion: one GET per context every few minutes, not one per Tab.</summary>
    internal sealed class LicenseIdCache
    {
        private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
        private readonly LicenseApiClient api;
        private readonly object gate = new object();
        private IReadOnlyList<string>? ids;
        private DateTimeOffset fetchedOn;

        public LicenseIdCache(LicenseApiClient api)
        {
            this.api = api;
        }

        /// <summary>The cached ids, fetching them if stale; an empty list if the service cannot be reached quickly.</summary>
        public IReadOnlyList<string> Get(TimeSpan wait)
        {
            lock (gate)
            {
                if (ids != null && DateTimeOffset.UtcNow - fetchedOn < Lifetime)
                {
                    return ids;
                }
            }

            using var timeout = new CancellationTokenSource(wait);
            try
            {
                var fetched = Task.Run(() => api.GetDefinitionsAsync(timeout.Token)).GetAwaiter().GetResult()
                    .Select(d => d.Id).OrderBy(id => id, StringComparer.OrdinalIgnoreCase).ToList();
                lock (gate)
                {
                    ids = fetched;
                    fetchedOn = DateTimeOffset.UtcNow;
                }

                return fetched;
            }
            catch (Exception)
            {
                // Completion must never throw at the user; it offers nothing instead.
                return Array.Empty<string>();
            }
        }

        /// <summary>Remembers ids already read by a cmdlet, so completion needs no call of its own.</summary>
        public void Prime(IEnumerable<string> knownIds)
        {
            var list = knownIds.OrderBy(id => id, StringComparer.OrdinalIgnoreCase).ToList();
            lock (gate)
            {
                ids = list;
                fetchedOn = DateTimeOffset.UtcNow;
            }
        }
    }
}
