using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api
{
    /// <summary>Every user of the org, through the paged GET /api/v2/license/users.</summary>
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
            var first = await api.GetUserPageAsync(1, cancellationToken).ConfigureAwait(false);
            var pageCount = PageCountOf(first);
            onPage(first, pageCount);
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
                            onPage(page!, pageCount);
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
                return;
            }

            var current = first;
            while (current.Users.Count > 0 && current.Users.Count >= current.PageSize)
            {
                current = await api.GetUserPageAsync(first.PageSize, current.PageNumber + 1, cancellationToken).ConfigureAwait(false);
                onPage(current, null);
            }
        }

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
