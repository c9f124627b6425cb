using System;
using System.Runtime.InteropServices;
using System.Security;

namespace PureCloudLicense.Api.Auth
{
    /// <summary>Reads a SecureString for the one moment a secret must be sent.</summary>
    internal static class SecretText
    {
        public static string Reveal(SecureString secret)
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }

        /// <summary>A read-only copy the caller cannot change or dispose under us.</summary>
        public static SecureString ReadOnlyCopy(SecureString secret)
        {
            var copy = secret.Copy();
            copy.MakeReadOnly();
            return copy;
        }
    }
}
