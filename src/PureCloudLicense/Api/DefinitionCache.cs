using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Models;

namespace PureCloudLicense.Api
{
    /// <summary>
    /// The org's license definitions, kept for a few minutes per connection: tab completion and the ordering of
    /// assignment batches need them often and they change rarely. Commands that show definitions read them fresh
    /// and refresh the cache as they go.
    /// </summary>
    internal sealed class DefinitionCache
    {
        private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
        private readonly LicenseApiClient api;
        private readonly object gate = new object();
        private readonly SemaphoreSlim fetching = new SemaphoreSlim(1, 1);
        private IReadOnlyList<LicenseDefinition>? definitions;
        private DateTimeOffset fetchedOn;

        public DefinitionCache(LicenseApiClient api)
        {
            this.api = api;
        }

        /// <summary>The cached definitions if fresh, else read now (and remembered).</summary>
        public async Task<IReadOnlyList<LicenseDefinition>> GetAsync(CancellationToken cancellationToken)
        {
            var cached = Fresh();
            if (cached != null)
            {
                return cached;
            }

            // One read at a time: parallel callers on a miss (a Tab while a Set runs) share the first one's answer.
            await fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                cached = Fresh();
                if (cached != null)
                {
                    return cached;
                }

                var fetched = await api.GetDefinitionsAsync(cancellationToken).ConfigureAwait(false);
                Remember(fetched);
                return fetched;
            }
            finally
            {
                fetching.Release();
            }
        }

        private IReadOnlyList<LicenseDefinition>? Fresh()
        {
            lock (gate)
            {
                return definitions != null && DateTimeOffset.UtcNow - fetchedOn < Lifetime ? definitions : null;
            }
        }

        /// <summary>License ids for completion: never throws, and gives up after <paramref name="wait"/> with none.</summary>
        public IReadOnlyList<string> GetIds(TimeSpan wait)
        {
            using var timeout = new CancellationTokenSource(wait);
            try
            {
                return Task.Run(() => GetAsync(timeout.Token)).GetAwaiter().GetResult()
                    .Select(d => d.Id)
                    .OrderBy(id => id, StringComparer.OrdinalIgnoreCase)
                    .ToList();
            }
            catch (Exception)
            {
                // Completion must never throw at the user; it offers nothing instead.
                return Array.Empty<string>();
            }
        }

        /// <summary>Keeps definitions a command has just read, so that nothing reads them again soon.</summary>
        public void Remember(IReadOnlyList<LicenseDefinition> fresh)
        {
            lock (gate)
            {
                definitions = fresh;
                fetchedOn = DateTimeOffset.UtcNow;
            }
        }
    }
}
