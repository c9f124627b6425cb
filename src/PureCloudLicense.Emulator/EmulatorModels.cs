using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace PureCloudLicense.Emulator;

// Wire models of the emulator (camelCase JSON; unknown members in requests are ignored).

internal sealed class TokenResponse
{
    [JsonPropertyName("access_token")] public string AccessToken { get; set; } = string.Empty;
    [JsonPropertyName("token_type")] public string TokenType { get; set; } = "bearer";
    [JsonPropertyName("expires_in")] public long ExpiresIn { get; set; }
}

internal sealed class OAuthError
{
    [JsonPropertyName("error")] public string Error { get; set; } = string.Empty;
    [JsonPropertyName("description")] public string Description { get; set; } = string.Empty;
}

internal sealed class ErrorDetail
{
    public string? ErrorCode { get; set; }
    public string? FieldName { get; set; }
    public string? EntityId { get; set; }
    public string? EntityName { get; set; }
}

internal sealed class ErrorBody
{
    public string Message { get; set; } = string.Empty;
    public string Code { get; set; } = string.Empty;
    public int Status { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? EntityId { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? EntityName { get; set; }
    public string ContextId { get; set; } = string.Empty;
    public string MessageWithParams { get; set; } = string.Empty;
    public Dictionary<string, string> MessageParams { get; set; } = new();
    public List<ErrorDetail> Details { get; set; } = new();
    public List<ErrorBody> Errors { get; set; } = new();
}

internal sealed class OrganizationModel
{
    public string Id { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string SelfUri { get; set; } = string.Empty;
}

internal sealed class PermissionsModel
{
    public List<string> Ids { get; set; } = new();
}

internal sealed class AddressableLicenseDefinitionModel
{
    public string Id { get; set; } = string.Empty;
    public string SelfUri { get; set; } = string.Empty;
}

internal sealed class LicenseDefinitionModel
{
    public string Id { get; set; } = string.Empty;
    public string Description { get; set; } = string.Empty;
    public PermissionsModel Permissions { get; set; } = new();
    public List<AddressableLicenseDefinitionModel> Prerequisites { get; set; } = new();
    public List<LicenseDefinitionModel> Comprises { get; set; } = new();
    public string SelfUri { get; set; } = string.Empty;
}

internal sealed class LicenseAssignmentRequestModel
{
    public string? LicenseId { get; set; }
    public List<string?>? UserIdsAdd { get; set; }
    public List<string?>? UserIdsRemove { get; set; }
}

internal sealed class LicenseBatchAssignmentRequestModel
{
    public List<LicenseAssignmentRequestModel?>? Assignments { get; set; }
}

internal sealed class LicenseUpdateStatusModel
{
    public string UserId { get; set; } = string.Empty;
    public string LicenseId { get; set; } = string.Empty;
    public string Result { get; set; } = string.Empty;
}

internal sealed class FaultRuleModel
{
    public string? Method { get; set; }
    public string? Path { get; set; }
    public string? BodyContains { get; set; }
    public int Status { get; set; }
    public int? Count { get; set; }
}

internal sealed class FaultSettingsModel
{
    public int? LatencyMs { get; set; }
    public double? FaultRate { get; set; }
    public int? RateLimit { get; set; }
    public int? RateWindowSeconds { get; set; }
    public string? UsersBatchShape { get; set; }
    public List<FaultRuleModel>? Rules { get; set; }
}

internal sealed class ResetRequestModel
{
    public int? Users { get; set; }
    public int? Seed { get; set; }
}

internal sealed class ResetResponseModel
{
    public string OrganizationId { get; set; } = string.Empty;
    public int Users { get; set; }
    public int Seed { get; set; }
}

internal sealed class ExpireResponseModel
{
    public int Expired { get; set; }
}

internal sealed class StatsModel
{
    public long TotalRequests { get; set; }
    public long Throttled { get; set; }
    public long TokensIssued { get; set; }
    public long FaultsInjected { get; set; }
    public SortedDictionary<string, SortedDictionary<string, long>> Routes { get; set; } = new();
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthError))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(OrganizationModel))]
[JsonSerializable(typeof(LicenseDefinitionModel))]
[JsonSerializable(typeof(List<LicenseDefinitionModel>))]
[JsonSerializable(typeof(LicenseBatchAssignmentRequestModel))]
[JsonSerializable(typeof(List<LicenseUpdateStatusModel>))]
[JsonSerializable(typeof(List<string?>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(FaultSettingsModel))]
[JsonSerializable(typeof(ResetRequestModel))]
[JsonSerializable(typeof(ResetResponseModel))]
[JsonSerializable(typeof(ExpireResponseModel))]
[JsonSerializable(typeof(StatsModel))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext
{
}
