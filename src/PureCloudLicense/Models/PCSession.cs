using System.Threading;

namespace PureCloudLicense.Models
{
    /// <summary>
    /// The process-wide default connection. Static, so that every runspace of the process — ForEach-Object
    /// -Parallel, thread jobs, runspace pools — sees the one Connect-PCOrganization made.
    /// </summary>
    public static class PCSession
    {
        private static PCContext? current;

        public static PCContext? Default => Volatile.Read(ref current);

        /// <summary>Makes <paramref name="context"/> the default; returns the one it replaced.</summary>
        internal static PCContext? SetDefault(PCContext context) => Interlocked.Exchange(ref current, context);

        /// <summary>Clears the default if it is still <paramref name="expected"/> (or any, when null); returns what was cleared.</summary>
        internal static PCContext? ClearDefault(PCContext? expected = null)
        {
            if (expected == null)
            {
                return Interlocked.Exchange(ref current, null);
            }

            return Interlocked.CompareExchange(ref current, null, expected) == expected ? expected : null;
        }
    }
}
