using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using PureCloudLicense.Models;

namespace PureCloudLicense.Api.Json
{
    /// <summary>
    /// Turns wire shapes into the module's models, accepting every shape license-api.md calls possible:
    /// a user's licenses as ids or as definitions, a batch answer's values as LicenseUser objects or bare arrays.
    /// </summary>
    internal static class LicenseJsonReader
    {
        public static LicenseDefinition ToDefinition(LicenseDefinitionDto dto) =>
            new LicenseDefinition(
                dto.Id ?? string.Empty,
                dto.Description,
                dto.Permissions?.Ids,
                dto.Prerequisites?.Where(p => !string.IsNullOrEmpty(p.Id)).Select(p => p.Id!).ToList(),
                dto.Comprises?.Select(ToDefinition).ToList(),
                dto.SelfUri);

        /// <summary>
        /// Reads one user from a LicenseUser-shaped object or from a bare array of licenses.
        /// Returns null for JSON null (the service saying "no such user").
        /// </summary>
        public static LicenseUser? ToUser(string? knownUserId, JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    var id = GetString(value, "id") ?? knownUserId;
                    if (string.IsNullOrEmpty(id))
                    {
                        return null;
                    }

                    var licenses = TryGetProperty(value, "licenses", out var licensesElement)
                        ? licensesElement
                        : default;
                    return BuildUser(id!, licenses, GetString(value, "selfUri"));

                case JsonValueKind.Array:
                    return string.IsNullOrEmpty(knownUserId) ? null : BuildUser(knownUserId!, value, null);

                default:
                    return null;
            }
        }

        /// <summary>User ids in a LicenseOrganization value: objects with id, or bare ids.</summary>
        public static IEnumerable<string> ToIds(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                yield break;
            }

            foreach (var item in value.EnumerateArray())
            {
                var id = item.ValueKind == JsonValueKind.String ? item.GetString() : GetString(item, "id");
                if (!string.IsNullOrEmpty(id))
                {
                    yield return id!;
                }
            }
        }

        private static LicenseUser BuildUser(string userId, JsonElement licenses, string? selfUri)
        {
            var ids = new List<string>();
            var definitions = new List<LicenseDefinition>();
            if (licenses.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in licenses.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        var licenseId = item.GetString();
                        if (!string.IsNullOrEmpty(licenseId))
                        {
                            ids.Add(licenseId!);
                        }
                    }
                    else if (item.ValueKind == JsonValueKind.Object)
                    {
                        LicenseDefinitionDto? dto = null;
                        try
                        {
                            dto = JsonSerializer.Deserialize(item, ApiJsonContext.Default.LicenseDefinitionDto);
                        }
                        catch (JsonException)
                        {
                            // A definition in a shape we do not know: its id is what matters here.
                        }

                        if (dto != null && !string.IsNullOrEmpty(dto.Id))
                        {
                            ids.Add(dto.Id!);
                            definitions.Add(ToDefinition(dto));
                        }
                        else if (GetString(item, "id") is string licenseId && licenseId.Length > 0)
                        {
                            ids.Add(licenseId);
                        }
                    }
                }
            }

            return new LicenseUser(userId, ids, definitions, selfUri);
        }

        private static string? GetString(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && TryGetProperty(element, name, out var property) &&
            property.ValueKind == JsonValueKind.String
                ? property.GetString()
                : null;

        // Case-insensitive, like the rest of the module's JSON reading.
        private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
        {
            if (element.TryGetProperty(name, out value))
            {
                return true;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, System.StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }

            value = default;
            return false;
        }
    }
}
