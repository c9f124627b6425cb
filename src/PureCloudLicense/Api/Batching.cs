using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api
{
    /// <summary>Splitting work into batches and running them a few at a time, results kept in input order.</summary>
    internal static class Batching
    {
        /// <summary>Consecutive slices of at most <paramref name="size"/> items.</summary>
        public static IEnumerable<IReadOnlyList<T>> Chunk<T>(IEnumerable<T> items, int size)
        {
            if (size < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(size), size, "A batch holds at least one item.");
            }

            var batch = new List<T>(size);
            foreach (var item in items)
            {
                batch.Add(item);
                if (batch.Count == size)
                {
                    yield return batch;
                    batch = new List<T>(size);
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }

        /// <summary>
        /// Runs <paramref name="work"/> on each item with at most <paramref name="parallelism"/> in flight, and hands
        /// each outcome (result or exception) to <paramref name="onCompleted"/> in input order, as soon as it and every
        /// earlier one are done. Cancellation stops starting new work and is rethrown.
        /// </summary>
        public static async Task RunOrderedAsync<TItem, TResult>(
            IEnumerable<TItem> items,
            int parallelism,
            Func<TItem, CancellationToken, Task<TResult>> work,
            Action<TItem, TResult?, Exception?> onCompleted,
            CancellationToken cancellationToken)
        {
            if (parallelism < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "At least one at a time.");
            }

            var inFlight = new Queue<KeyValuePair<TItem, Task<TResult>>>();
            using var source = items.GetEnumerator();
            var more = true;
            while (true)
            {
                while (more && inFlight.Count < parallelism)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    more = source.MoveNext();
                    if (more)
                    {
                        var item = source.Current;
                        inFlight.Enqueue(new KeyValuePair<TItem, Task<TResult>>(item, Start(work, item, cancellationToken)));
                    }
                }

                if (inFlight.Count == 0)
                {
                    return;
                }

                var head = inFlight.Dequeue();
                TResult? result = default;
                Exception? failure = null;
                try
                {
                    result = await head.Value.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    failure = ex;
                }

                onCompleted(head.Key, result, failure);
            }
        }

        private static Task<TResult> Start<TItem, TResult>(Func<TItem, CancellationToken, Task<TResult>> work, TItem item, CancellationToken cancellationToken)
        {
            try
            {
                return work(item, cancellationToken);
            }
            catch (Exception ex)
            {
                var failed = new TaskCompletionSource<TResult>();
                failed.SetException(ex);
                return failed.Task;
            }
        }
    }
}
