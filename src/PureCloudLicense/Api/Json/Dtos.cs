using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

// Wire shapes of the License API (license-api.md). Every member is optional and unknown members are ignored:
// the service may add fields at any time. Shapes the documentation leaves open are read as JsonElement and
// interpreted tolerantly by LicenseJsonReader.
namespace PureCloudLicense.Api.Json
{
    internal sealed class TokenResponseDto
    {
        [JsonPropertyName("access_token")]
        public string? AccessToken { get; set; }

        [JsonPropertyName("token_type")]
        public string? TokenType { get; set; }

        [JsonPropertyName("expires_in")]
        public long? ExpiresIn { get; set; }
    }

    internal sealed class OAuthErrorDto
    {
        [JsonPropertyName("error")]
        public string? Error { get; set; }

        [JsonPropertyName("description")]
        public string? Description { get; set; }

        [JsonPropertyName("error_description")]
        public string? ErrorDescription { get; set; }
    }

    internal sealed class ErrorBodyDto
    {
        public string? Message { get; set; }

        public string? Code { get; set; }

        public int? Status { get; set; }

        public string? ContextId { get; set; }

        public string? EntityId { get; set; }

        public string? EntityName { get; set; }
    }

    internal sealed class OrganizationDto
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public string? SelfUri { get; set; }
    }

    internal sealed class LicenseDefinitionDto
    {
        public string? Id { get; set; }

        public string? Description { get; set; }

        public PermissionsDto? Permissions { get; set; }

        public List<AddressableEntityDto>? Prerequisites { get; set; }

        public List<LicenseDefinitionDto>? Comprises { get; set; }

        public string? SelfUri { get; set; }
    }

    internal sealed class PermissionsDto
    {
        public List<string>? Ids { get; set; }
    }

    internal sealed class AddressableEntityDto
    {
        public string? Id { get; set; }

        public string? SelfUri { get; set; }
    }

    internal sealed class LicenseOrganizationDto
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        /// <summary>License id → users holding it; values read tolerantly (objects with id, or bare ids).</summary>
        public Dictionary<string, JsonElement>? Licenses { get; set; }
    }

    internal sealed class UserLicensesListingDto
    {
        /// <summary>Entities read tolerantly: licenses may be ids or definitions.</summary>
        public List<JsonElement>? Entities { get; set; }

        public int? PageSize { get; set; }

        public int? PageNumber { get; set; }

        public long? Total { get; set; }

        public int? PageCount { get; set; }
    }

    internal sealed class LicenseBatchAssignmentRequestDto
    {
        public List<LicenseAssignmentRequestDto> Assignments { get; set; } = new List<LicenseAssignmentRequestDto>();
    }

    internal sealed class LicenseAssignmentRequestDto
    {
        public string LicenseId { get; set; } = string.Empty;

        public List<string> UserIdsAdd { get; set; } = new List<string>();

        public List<string> UserIdsRemove { get; set; } = new List<string>();
    }

    internal sealed class LicenseUpdateStatusDto
    {
        public string? UserId { get; set; }

        public string? LicenseId { get; set; }

        public string? Result { get; set; }
    }

    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(TokenResponseDto))]
    [JsonSerializable(typeof(OAuthErrorDto))]
    [JsonSerializable(typeof(ErrorBodyDto))]
    [JsonSerializable(typeof(OrganizationDto))]
    [JsonSerializable(typeof(LicenseDefinitionDto))]
    [JsonSerializable(typeof(List<LicenseDefinitionDto>))]
    [JsonSerializable(typeof(LicenseOrganizationDto))]
    [JsonSerializable(typeof(UserLicensesListingDto))]
    [JsonSerializable(typeof(LicenseBatchAssignmentRequestDto))]
    [JsonSerializable(typeof(List<LicenseUpdateStatusDto>))]
    [JsonSerializable(typeof(List<string>))]
    [JsonSerializable(typeof(Dictionary<string, JsonElement>))]
    internal sealed partial class ApiJsonContext : JsonSerializerContext
    {
    }
}
