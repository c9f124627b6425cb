using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api
{
    /// <summary>Every user of the org, once each, through the paged GET /api/v2/license/users.</summary>
    internal static class UserListing
    {
        /// <summary>
        /// Reads the first page, then the others a few at a time, handing each page to <paramref name="onPage"/> in
        /// page order along with the page count (when known). A page that fails for good goes to
        /// <paramref name="onPageFailed"/> and the others are still read. Without a page count in the answer, reads
        /// until a page comes back short.
        /// </summary>
        public static async Task ReadAsync(
            LicenseApiClient api,
            int parallelism,
            Action<UserLicensePage, int?> onPage,
            Action<int, int, Exception> onPageFailed,
            CancellationToken cancellationToken)
        {
            // Offset paging over an org that changes meanwhile can shift a user onto a page read twice: each user
            // is handed on once, and a change of the total is said.
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var first = await api.GetUserPageAsync(1, cancellationToken).ConfigureAwait(false);
            var changed = false;
            void Hand(UserLicensePage page, int? pageCount)
            {
                if (!changed && page.Total.HasValue && first.Total.HasValue && page.Total != first.Total)
                {
                    changed = true;
                    ApiTrace.Current?.Verbose($"The org changed while it was read ({first.Total} users at the start, {page.Total} now): users added or removed meanwhile may be missing.");
                }

                var fresh = page.Users.Where(u => seen.Add(u.UserId)).ToList();
                onPage(fresh.Count == page.Users.Count ? page : new UserLicensePage(fresh, page.PageNumber, page.PageSize, page.Total, page.PageCount), pageCount);
            }

            var pageCount = PageCountOf(first);
            Hand(first, pageCount);
            if (pageCount.HasValue)
            {
                await Batching.RunOrderedAsync(
                    Enumerable.Range(2, Math.Max(0, pageCount.Value - 1)),
                    parallelism,
                    (number, ct) => api.GetUserPageAsync(first.PageSize, number, ct),
                    (number, page, failure) =>
                    {
                        if (failure != null)
                        {
                            onPageFailed(number, first.PageSize, failure);
                        }
                        else
                        {
                            Hand(page!, pageCount);
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
                return;
            }

            var current = first;
            while (current.Users.Count > 0 && current.Users.Count >= current.PageSize)
            {
                current = await api.GetUserPageAsync(first.PageSize, current.PageNumber + 1, cancellationToken).ConfigureAwait(false);
                Hand(current, null);
            }
        }

        /// <summary>
        /// For callers whose answer would be wrong with a page missing (counts, a desired-state difference): the
        /// first page that fails for good fails the whole read.
        /// </summary>
        public static Task ReadAllOrFailAsync(LicenseApiClient api, int parallelism, Action<UserLicensePage, int?> onPage, CancellationToken cancellationToken) =>
            ReadAsync(api, parallelism, onPage, (number, pageSize, failure) => ExceptionDispatchInfo.Capture(failure).Throw(), cancellationToken);

        private static int? PageCountOf(UserLicensePage first)
        {
            if (first.PageCount.HasValue)
            {
                return first.PageCount.Value;
            }

            if (first.Total.HasValue && first.PageSize > 0)
            {
                return (int)((first.Total.Value + first.PageSize - 1) / first.PageSize);
            }

            return null;
        }
    }
}
