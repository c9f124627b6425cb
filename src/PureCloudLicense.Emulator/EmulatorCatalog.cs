using System;
using System.Collections.Generic;
using System.Linq;

namespace PureCloudLicense.Emulator;

/// <summary>One license of the emulator's catalogue.</summary>
public sealed class EmulatorLicense
{
    internal EmulatorLicense(string id, string description, string[] permissions, string[] prerequisites, string[] comprises)
    {
        Id = id;
        Description = description;
        Permissions = permissions;
        Prerequisites = prerequisites;
        Comprises = comprises;
    }

    public string Id { get; }
    public string Description { get; }
    public IReadOnlyList<string> Permissions { get; }
    /// <summary>License ids a user must hold (directly or through a bundle) before this one.</summary>
    public IReadOnlyList<string> Prerequisites { get; }
    /// <summary>For a bundle: the license ids it contains.</summary>
    public IReadOnlyList<string> Comprises { get; }
    public bool IsAddOn => Prerequisites.Count > 0;
    public bool IsBundle => Comprises.Count > 0;
    public string SelfUri => "/api/v2/license/definitions/" + Id;
}

/// <summary>One role of the built-in role table used by <c>POST /api/v2/license/infer</c>.</summary>
public sealed class EmulatorRole
{
    internal EmulatorRole(string id, string name, string[] licenseIds)
    {
        Id = id;
        Name = name;
        LicenseIds = licenseIds;
    }

    public string Id { get; }
    public string Name { get; }
    public IReadOnlyList<string> LicenseIds { get; }
}

/// <summary>The fixed license catalogue and role table. Other code may rely on these ids.</summary>
public static class EmulatorCatalog
{
    // Bases
    public const string Collaborate = "collaborate";
    public const string Communicate = "communicate";
    public const string CloudCX1 = "cloudCX1";
    public const string CloudCX2 = "cloudCX2";
    public const string CloudCX3 = "cloudCX3";
    // Add-ons
    public const string WemAddonI = "wem_addon_i";
    public const string WemAddonII = "wem_addon_ii";
    public const string SpeechTextAnalytics = "speech_text_analytics";
    // Bundle
    public const string CloudCX4 = "cloudCX4";

    // Roles (fixed GUIDs)
    public const string EmployeeRoleId = "6f0a1c1e-0d4b-4b8e-9a51-1a0000000001";
    public const string CommunicateUserRoleId = "6f0a1c1e-0d4b-4b8e-9a51-1a0000000002";
    public const string AgentRoleId = "6f0a1c1e-0d4b-4b8e-9a51-1a0000000003";
    public const string QualityEvaluatorRoleId = "6f0a1c1e-0d4b-4b8e-9a51-1a0000000004";
    public const string SpeechAnalystRoleId = "6f0a1c1e-0d4b-4b8e-9a51-1a0000000005";
    public const string MasterAdminRoleId = "6f0a1c1e-0d4b-4b8e-9a51-1a0000000006";

    private static readonly EmulatorLicense[] LicenseArray =
    {
        new(Collaborate, "Genesys Cloud Collaborate: chat, video, directory and documents for every employee.",
            new[] { "directory:user:view", "chat:chat:access", "content:document:view" }, Array.Empty<string>(), Array.Empty<string>()),
        new(Communicate, "Genesys Cloud Communicate: Collaborate plus business telephony and voicemail.",
            new[] { "directory:user:view", "chat:chat:access", "telephony:phone:assign", "voicemail:voicemail:view" }, Array.Empty<string>(), Array.Empty<string>()),
        new(CloudCX1, "Genesys Cloud CX 1: voice contact center with ACD routing and IVR.",
            new[] { "routing:queue:view", "conversation:call:accept", "architect:flow:view", "analytics:conversationDetail:view" }, Array.Empty<string>(), Array.Empty<string>()),
        new(CloudCX2, "Genesys Cloud CX 2: omnichannel contact center with email, chat, messaging and quality management.",
            new[] { "routing:queue:view", "conversation:call:accept", "conversation:webchat:accept", "conversation:email:accept", "quality:evaluation:view" }, Array.Empty<string>(), Array.Empty<string>()),
        new(CloudCX3, "Genesys Cloud CX 3: CX 2 plus workforce engagement management.",
            new[] { "routing:queue:view", "conversation:message:accept", "quality:evaluation:view", "wfm:schedule:view", "wfm:agentSchedule:view" }, Array.Empty<string>(), Array.Empty<string>()),
        new(WemAddonI, "WEM Add-on I for Genesys Cloud CX 1: workforce management and quality.",
            new[] { "wfm:schedule:view", "wfm:agentSchedule:view", "quality:evaluation:view" }, new[] { CloudCX1 }, Array.Empty<string>()),
        new(WemAddonII, "WEM Add-on II for Genesys Cloud CX 2: workforce management and gamification.",
            new[] { "wfm:schedule:view", "wfm:agentSchedule:view", "gamification:scorecard:view" }, new[] { CloudCX2 }, Array.Empty<string>()),
        new(SpeechTextAnalytics, "Speech and text analytics for Genesys Cloud CX 3: transcription, topics and sentiment.",
            new[] { "speechAndTextAnalytics:data:view", "recording:recording:view", "analytics:speechAndTextAnalyticsAggregates:view" }, new[] { CloudCX3 }, Array.Empty<string>()),
        new(CloudCX4, "Genesys Cloud CX 4: bundle of Genesys Cloud CX 3 and speech and text analytics.",
            new[] { "routing:queue:view", "conversation:message:accept", "wfm:schedule:view", "speechAndTextAnalytics:data:view", "outbound:campaign:view" },
            Array.Empty<string>(), new[] { CloudCX3, SpeechTextAnalytics }),
    };

    private static readonly EmulatorRole[] RoleArray =
    {
        new(EmployeeRoleId, "Employee", new[] { Collaborate }),
        new(CommunicateUserRoleId, "Communicate User", new[] { Communicate }),
        new(AgentRoleId, "Contact Center Agent", new[] { CloudCX1 }),
        new(QualityEvaluatorRoleId, "Quality Evaluator", new[] { CloudCX2, WemAddonII }),
        new(SpeechAnalystRoleId, "Speech Analyst", new[] { CloudCX3, SpeechTextAnalytics }),
        new(MasterAdminRoleId, "Master Admin", new[] { CloudCX4, Collaborate }),
    };

    private static readonly Dictionary<string, int> IndexById =
        LicenseArray.Select((l, i) => (l.Id, i)).ToDictionary(t => t.Id, t => t.i, StringComparer.Ordinal);

    private static readonly Dictionary<string, EmulatorRole> RoleById =
        RoleArray.ToDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>All licenses, in catalogue order (the order every answer lists them in).</summary>
    public static IReadOnlyList<EmulatorLicense> Licenses => LicenseArray;

    /// <summary>All license ids, in catalogue order.</summary>
    public static IReadOnlyList<string> LicenseIds { get; } = LicenseArray.Select(l => l.Id).ToArray();

    public static IReadOnlyList<string> BaseLicenseIds { get; } = new[] { Collaborate, Communicate, CloudCX1, CloudCX2, CloudCX3 };
    public static IReadOnlyList<string> AddOnLicenseIds { get; } = new[] { WemAddonI, WemAddonII, SpeechTextAnalytics };
    public static IReadOnlyList<string> BundleLicenseIds { get; } = new[] { CloudCX4 };

    /// <summary>The built-in role table.</summary>
    public static IReadOnlyList<EmulatorRole> Roles => RoleArray;

    /// <summary>The license with this id (case-sensitive), or null.</summary>
    public static EmulatorLicense? FindLicense(string licenseId) =>
        licenseId is not null && IndexById.TryGetValue(licenseId, out int i) ? LicenseArray[i] : null;

    /// <summary>The role with this id, or null.</summary>
    public static EmulatorRole? FindRole(string roleId) =>
        roleId is not null && RoleById.TryGetValue(roleId, out EmulatorRole? r) ? r : null;

    internal static int Count => LicenseArray.Length;

    internal static int IndexOf(string licenseId) =>
        licenseId is not null && IndexById.TryGetValue(licenseId, out int i) ? i : -1;

    internal static EmulatorLicense At(int index) => LicenseArray[index];

    // Bit masks over catalogue indexes, for the state engine.
    internal static readonly int[] PrerequisiteMask = LicenseArray.Select(l => MaskOf(l.Prerequisites)).ToArray();
    internal static readonly int[] ComprisesMask = LicenseArray.Select(l => MaskOf(l.Comprises)).ToArray();

    internal static int MaskOf(IEnumerable<string> ids)
    {
        int m = 0;
        foreach (string id in ids)
        {
            m |= 1 << IndexById[id];
        }

        return m;
    }

    /// <summary>Licenses held directly plus those contained in held bundles.</summary>
    internal static int Effective(int mask)
    {
        int e = mask;
        for (int i = 0; i < LicenseArray.Length; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                e |= ComprisesMask[i];
            }
        }

        return e;
    }

    internal static IEnumerable<string> IdsOf(int mask)
    {
        for (int i = 0; i < LicenseArray.Length; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                yield return LicenseArray[i].Id;
            }
        }
    }
}

/// <summary>The <c>result</c> words of <c>POST /api/v2/license/organization</c>. The live API's words are
/// unknown; these are the emulator's.</summary>
public static class EmulatorResults
{
    public const string Success = "Success";
    public const string PrerequisiteMissing = "PrerequisiteMissing";
    public const string PrerequisiteInUse = "PrerequisiteInUse";
    public const string UserNotFound = "UserNotFound";
    public const string LicenseNotFound = "LicenseNotFound";
    public const string ConflictingChange = "ConflictingChange";
}
