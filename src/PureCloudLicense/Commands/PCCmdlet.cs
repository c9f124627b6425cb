using System;
using System.Collections;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// Base of every cmdlet: Ctrl+C cancels in-flight HTTP at once, async work runs off the pipeline thread while
    /// that thread writes what the work queued, and API failures become ErrorRecords in one place.
    /// </summary>
    public abstract class PCCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();

        protected override void StopProcessing()
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Ctrl+C after the command has finished: nothing left to cancel.
            }
        }

        public void Dispose()
        {
            cancellation.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>
        /// Runs <paramref name="work"/> on the thread pool and writes what it queues, here, until it ends. An
        /// exception that escapes the work is a terminating error with <paramref name="target"/> as its TargetObject
        /// (API failures keep their ErrorIds); Ctrl+C ends the pipeline quietly.
        /// </summary>
        internal void Run(Func<CmdletOutput, CancellationToken, Task> work, object? target = null)
        {
            var output = new CmdletOutput(IsDebugEnabled());
            var token = cancellation.Token;
            // No token for Task.Run itself: a task cancelled before it starts would never complete the output,
            // and the pump below would wait forever. The work observes the token instead.
            var task = Task.Run(
                async () =>
                {
                    ApiTrace.Current = output;
                    try
                    {
                        await work(output, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        output.Complete();
                    }
                });

            try
            {
                output.Pump(this);
            }
            catch (Exception) when (!task.IsCompleted)
            {
                // Writing failed: the pipeline is stopping downstream (Select-Object -First) or -ErrorAction Stop
                // turned an error into a stop. Stop the work too, and let PowerShell's exception through.
                cancellation.Cancel();
                output.Complete();
                throw;
            }

            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex)
            {
                ThrowTerminatingError(ErrorRecords.FromException(ex, target));
            }
        }

        /// <summary>True when -Debug (or $DebugPreference) asks for debug output, so bodies are worth capturing.</summary>
        private bool IsDebugEnabled()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Debug", out var debug))
            {
                return debug is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(debug);
            }

            var preference = SessionState?.PSVariable.GetValue("DebugPreference");
            return preference is ActionPreference action && action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore;
        }

        /// <summary>PowerShell's version for the User-Agent, from $PSVersionTable (the SMA assembly version lies on 5.1).</summary>
        protected string PowerShellVersion()
        {
            if (SessionState?.PSVariable.GetValue("PSVersionTable") is IDictionary table && table["PSVersion"] is object version)
            {
                return version.ToString() ?? "unknown";
            }

            return "unknown";
        }
    }
}
