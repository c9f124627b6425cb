using System.Text.RegularExpressions;

namespace PureCloudLicense.Api.Http
{
    /// <summary>Masks tokens and secrets in text that is about to be logged.</summary>
    internal static class SecretRedactor
    {
        private const string Mask = "***";

        private static readonly Regex JsonSecret = new Regex(
            "(\"(?:access_token|refresh_token|id_token|client_secret|password)\"\\s*:\\s*\")[^\"]*(\")",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

        private static readonly Regex FormSecret = new Regex(
            "((?:access_token|refresh_token|client_secret|password|assertion)=)[^&\\s]*",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

        private static readonly Regex AuthorizationValue = new Regex(
            "\\b(Bearer|Basic)\\s+[A-Za-z0-9\\-._~+/=]+",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

        public static string Redact(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            text = JsonSecret.Replace(text, "$1" + Mask + "$2");
            text = FormSecret.Replace(text, "$1" + Mask);
            return AuthorizationValue.Replace(text, "$1 " + Mask);
        }
    }
}
