using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using PureCloudLicense.Api;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// What background work wants written to the pipeline. PowerShell's Write* methods may only be called on the
    /// pipeline thread, so async work (and the HTTP layer's trace lines) enqueue here and the cmdlet's thread
    /// writes them, in order, while it waits for the work.
    /// </summary>
    internal sealed class CmdletOutput : IApiTraceListener
    {
        // Bounded, so that a slow consumer downstream slows the reads down instead of letting every page of a
        // large org pile up in memory: a producer that gets this far ahead waits for the pipeline to catch up.
        private const int Capacity = 2000;

        private readonly BlockingCollection<Action<Cmdlet>> queue = new BlockingCollection<Action<Cmdlet>>(Capacity);

        public CmdletOutput(bool bodiesEnabled)
        {
            BodiesEnabled = bodiesEnabled;
        }

        public bool BodiesEnabled { get; }

        public void WriteObject(object value) => Add(c => c.WriteObject(value));

        public void WriteError(ErrorRecord error) => Add(c => c.WriteError(error));

        public void WriteWarning(string message) => Add(c => c.WriteWarning(message));

        public void WriteProgress(ProgressRecord progress) => Add(c => c.WriteProgress(progress));

        public void WriteInformation(object data, string[] tags) => Add(c => c.WriteInformation(data, tags));

        public void Verbose(string message) => Add(c => c.WriteVerbose(message));

        public void Debug(string message) => Add(c => c.WriteDebug(message));

        /// <summary>Runs on the pipeline thread until the work has completed and everything it queued is written.</summary>
        public void Pump(Cmdlet cmdlet)
        {
            foreach (var write in queue.GetConsumingEnumerable())
            {
                write(cmdlet);
            }
        }

        public void Complete() => queue.CompleteAdding();

        private void Add(Action<Cmdlet> write)
        {
            // After the pump has stopped (pipeline stopping), late trace lines have nowhere to go.
            try
            {
                queue.Add(write);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
