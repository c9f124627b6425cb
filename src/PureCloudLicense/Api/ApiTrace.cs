using System.Threading;

namespace PureCloudLicense.Api
{
    /// <summary>Receives the HTTP layer's diagnostic lines. Called from any thread; implementations must be thread-safe.</summary>
    internal interface IApiTraceListener
    {
        /// <summary>True when request and response bodies are wanted (they cost a buffer and a copy).</summary>
        bool BodiesEnabled { get; }

        /// <summary>One line per HTTP call, and one per retry wait.</summary>
        void Verbose(string message);

        /// <summary>Bodies, already redacted.</summary>
        void Debug(string message);
    }

    /// <summary>
    /// The listener of the current logical call. Ambient (AsyncLocal) because one HttpClient per context serves
    /// every cmdlet and thread, while the lines belong to the cmdlet whose call made the request.
    /// </summary>
    internal static class ApiTrace
    {
        private static readonly AsyncLocal<IApiTraceListener?> CurrentListener = new AsyncLocal<IApiTraceListener?>();

        public static IApiTraceListener? Current
        {
            get => CurrentListener.Value;
            set => CurrentListener.Value = value;
        }
    }
}
