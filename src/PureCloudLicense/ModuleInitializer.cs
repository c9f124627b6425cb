using System;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PureCloudLicense
{
    /// <summary>
    /// Runs when the module is imported. Only Windows PowerShell 5.1 (.NET Framework) needs anything:
    /// <list type="bullet">
    /// <item>its process has no binding redirects for a module's dependencies, which reference each other at
    /// slightly different versions (System.Memory wants System.Buffers 4.0.2.0, 4.0.3.0 ships), so those are
    /// resolved here to the copies in the module folder when they are at least the version asked for;</item>
    /// <item>it may not offer TLS 1.2 by default, which Genesys Cloud requires.</item>
    /// </list>
    /// PowerShell 7 has its own copies of these assemblies and TLS 1.2, and is left alone.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? string.Empty;

        private static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        public void OnImport()
        {
            if (!IsNetFramework)
            {
                return;
            }

            ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12;
            AppDomain.CurrentDomain.AssemblyResolve += ResolveFromModuleDirectory;
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromModuleDirectory;
            }
        }

        private static Assembly? ResolveFromModuleDirectory(object? sender, ResolveEventArgs args)
        {
            var requested = new AssemblyName(args.Name);
            var path = Path.Combine(ModuleDirectory, requested.Name + ".dll");
            if (!File.Exists(path))
            {
                return null;
            }

            var available = AssemblyName.GetAssemblyName(path);
            return requested.Version == null || available.Version >= requested.Version ? Assembly.LoadFrom(path) : null;
        }
    }
}
