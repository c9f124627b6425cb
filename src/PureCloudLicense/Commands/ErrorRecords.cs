using System;
using System.Management.Automation;
using PureCloudLicense.Api;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// The one place API failures become ErrorRecords: stable ErrorIds, categories by status, the failing input as
    /// TargetObject, and the service's message, code and correlation id in ErrorDetails.
    /// </summary>
    internal static class ErrorRecords
    {
        public const string NotConnected = "NotConnected";

        public static ErrorRecord FromApi(GenesysApiException ex, object? target)
        {
            var record = new ErrorRecord(ex, ErrorIdOf(ex), CategoryOf(ex), target)
            {
                ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = RecommendedActionOf(ex) },
            };
            return record;
        }

        public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target, Exception? inner = null, string? recommendedAction = null)
        {
            var exception = inner ?? new InvalidOperationException(message);
            return new ErrorRecord(exception, errorId, category, target)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction },
            };
        }

        /// <summary>A license id the org does not have (non-terminating; the other ids go on).</summary>
        public static ErrorRecord LicenseNotFound(string licenseId) =>
            Create("LicenseDefinitionNotFound", ErrorCategory.ObjectNotFound, $"License '{licenseId}' was not found in the org.", licenseId,
                new ItemNotFoundException($"License '{licenseId}' was not found in the org."));

        /// <summary>A user id the org does not have; <paramref name="consequence"/> says what was not done.</summary>
        public static ErrorRecord UserNotFound(string userId, string? consequence = null) =>
            Create("LicenseUserNotFound", ErrorCategory.ObjectNotFound, $"User '{userId}' was not found in the org." + (consequence == null ? string.Empty : " " + consequence), userId,
                new ItemNotFoundException($"User '{userId}' was not found in the org."));

        /// <summary>Input that is not a user id; nothing is sent for it.</summary>
        public static ErrorRecord InvalidUserId(string? userId, object? target, string consequence) =>
            Create("InvalidUserId", ErrorCategory.InvalidArgument, $"'{userId}' is not a user id: Genesys Cloud user ids are GUIDs. {consequence}", target);

        /// <summary>Genesys Cloud user ids are GUIDs; anything else would only come back as "not found".</summary>
        public static bool IsUserId(string? text) => !string.IsNullOrWhiteSpace(text) && Guid.TryParse(text!.Trim(), out _);

        /// <summary>For an unexpected exception: API failures keep their ids, anything else is reported as is.</summary>
        public static ErrorRecord FromException(Exception ex, object? target) => ex switch
        {
            GenesysApiException api => FromApi(api, target),
            ObjectDisposedException disposed => Create("ContextDisconnected", ErrorCategory.ConnectionError, disposed.Message, target, disposed),
            _ => new ErrorRecord(ex, "UnexpectedError", ErrorCategory.NotSpecified, target),
        };

        public static string ErrorIdOf(GenesysApiException ex)
        {
            switch (ex.Kind)
            {
                case ApiFailureKind.AuthenticationFailed:
                    return "AuthenticationFailed";
                case ApiFailureKind.AccessTokenRejected:
                    return "AccessTokenRejected";
                case ApiFailureKind.ConnectionFailed:
                    return "ConnectionFailed";
                case ApiFailureKind.InvalidResponse:
                    return "InvalidResponse";
            }

            switch (ex.StatusCode)
            {
                case 400:
                case 413:
                case 422:
                    return "BadRequest";
                case 401:
                    return "Unauthorized";
                case 403:
                    return "PermissionDenied";
                case 404:
                    return "NotFound";
                case 429:
                    return "RateLimitExceeded";
                case 408:
                case int status when status >= 500:
                    return "ServiceUnavailable";
                default:
                    return "ApiRequestFailed";
            }
        }

        public static ErrorCategory CategoryOf(GenesysApiException ex)
        {
            switch (ex.Kind)
            {
                case ApiFailureKind.AuthenticationFailed:
                case ApiFailureKind.AccessTokenRejected:
                    return ErrorCategory.AuthenticationError;
                case ApiFailureKind.ConnectionFailed:
                    return ErrorCategory.ConnectionError;
                case ApiFailureKind.InvalidResponse:
                    return ErrorCategory.InvalidResult;
            }

            switch (ex.StatusCode)
            {
                case 400:
                case 413:
                case 422:
                    return ErrorCategory.InvalidArgument;
                case 401:
                    return ErrorCategory.AuthenticationError;
                case 403:
                    return ErrorCategory.PermissionDenied;
                case 404:
                    return ErrorCategory.ObjectNotFound;
                case 429:
                    return ErrorCategory.LimitsExceeded;
                default:
                    return ErrorCategory.ConnectionError;
            }
        }

        private static string? RecommendedActionOf(GenesysApiException ex)
        {
            if (ex.Kind == ApiFailureKind.AuthenticationFailed)
            {
                return "Check the client id, the secret and the environment (region) of the OAuth client.";
            }

            if (ex.Kind == ApiFailureKind.AccessTokenRejected)
            {
                return "Get a new access token and run Connect-PCOrganization -AccessToken again.";
            }

            if (ex.StatusCode == 403)
            {
                return "Give the OAuth client a role with authorization:license:view (reads) or authorization:grant:add (changes).";
            }

            if (ex.RetryBudgetExhausted)
            {
                return "Run the command again later, or give the context a larger RetryBudget.";
            }

            return null;
        }
    }
}
