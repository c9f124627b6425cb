using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace PureCloudLicense.Emulator;

/// <summary>One status of a license batch change: the answer row of <c>POST /api/v2/license/organization</c>.</summary>
public sealed record EmulatorUpdateStatus(string UserId, string LicenseId, string Result);

/// <summary>One assignment of a batch change: add and remove user ids for one license.</summary>
public sealed record EmulatorAssignment(string LicenseId, IReadOnlyList<string> UserIdsAdd, IReadOnlyList<string> UserIdsRemove);

/// <summary>The in-memory org: users and the licenses they hold. Seeded deterministically from a user count
/// and a seed. Reads are thread-safe; every change is atomic under one lock.</summary>
public sealed class EmulatorState
{
    private readonly object _gate = new();
    private OrgData _data;

    public EmulatorState(int users, int seed)
    {
        _data = OrgData.Create(users, seed);
    }

    /// <summary>The org's id: a GUID derived from the seed.</summary>
    public string OrganizationId => _data.OrganizationId;

    public string OrganizationName => "PureCloudLicense Emulator";

    public int Seed => _data.Seed;

    public int UserCount => _data.UserIds.Length;

    /// <summary>User ids in the stable order of the paged listing.</summary>
    public IReadOnlyList<string> UserIds => _data.UserIds;

    public IReadOnlyList<EmulatorLicense> Catalog => EmulatorCatalog.Licenses;

    public bool ContainsUser(string userId) => userId is not null && _data.Index.ContainsKey(userId);

    /// <summary>The license ids the user holds (catalogue order), or null when the user does not exist.</summary>
    public IReadOnlyList<string>? GetUserLicenses(string userId)
    {
        return TryGetMask(userId, out int mask) ? EmulatorCatalog.IdsOf(mask).ToArray() : null;
    }

    /// <summary>The ids of the users holding the license directly, in listing order.</summary>
    public IReadOnlyList<string> GetLicenseHolders(string licenseId)
    {
        int bit = EmulatorCatalog.IndexOf(licenseId);
        if (bit < 0)
        {
            return Array.Empty<string>();
        }

        OrgData d = _data;
        var list = new List<string>();
        for (int i = 0; i < d.UserIds.Length; i++)
        {
            if ((Volatile.Read(ref d.Masks[i]) & (1 << bit)) != 0)
            {
                list.Add(d.UserIds[i]);
            }
        }

        return list;
    }

    /// <summary>A consistent copy of every user's licenses.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GetAllUserLicenses()
    {
        lock (_gate)
        {
            OrgData d = _data;
            var result = new Dictionary<string, IReadOnlyList<string>>(d.UserIds.Length, StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < d.UserIds.Length; i++)
            {
                result[d.UserIds[i]] = EmulatorCatalog.IdsOf(d.Masks[i]).ToArray();
            }

            return result;
        }
    }

    /// <summary>Sets a user's licenses directly, for test set-up. No prerequisite checks.</summary>
    public void SetUserLicenses(string userId, IEnumerable<string> licenseIds)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(licenseIds);
        int mask = 0;
        foreach (string id in licenseIds)
        {
            int bit = EmulatorCatalog.IndexOf(id);
            if (bit < 0)
            {
                throw new ArgumentException($"Unknown license '{id}'.", nameof(licenseIds));
            }

            mask |= 1 << bit;
        }

        lock (_gate)
        {
            if (!_data.Index.TryGetValue(userId, out int index))
            {
                throw new ArgumentException($"Unknown user '{userId}'.", nameof(userId));
            }

            Volatile.Write(ref _data.Masks[index], mask);
        }
    }

    /// <summary>Applies a batch change atomically, with the rules of <c>POST /api/v2/license/organization</c>.
    /// Returns one status per distinct (user, license, operation) asked, in request order.</summary>
    public IReadOnlyList<EmulatorUpdateStatus> ApplyAssignments(IEnumerable<EmulatorAssignment> assignments)
    {
        ArgumentNullException.ThrowIfNull(assignments);

        // Distinct operations in request order.
        var ops = new List<Op>();
        var seen = new HashSet<(string User, string License, bool Add)>();
        foreach (EmulatorAssignment a in assignments)
        {
            AddOps(a, a.UserIdsAdd, true);
            AddOps(a, a.UserIdsRemove, false);
        }

        void AddOps(EmulatorAssignment a, IReadOnlyList<string> users, bool add)
        {
            if (users is null)
            {
                return;
            }

            foreach (string u in users)
            {
                string user = u ?? string.Empty;
                if (seen.Add((user.ToLowerInvariant(), a.LicenseId ?? string.Empty, add)))
                {
                    ops.Add(new Op { UserId = user, LicenseId = a.LicenseId ?? string.Empty, Add = add });
                }
            }
        }

        lock (_gate)
        {
            OrgData d = _data;

            // Static failures: unknown license or user, the same pair both added and removed.
            var pairs = new Dictionary<(int User, int Bit), int>();
            foreach (Op op in ops)
            {
                op.Bit = EmulatorCatalog.IndexOf(op.LicenseId);
                if (op.Bit < 0)
                {
                    op.Result = EmulatorResults.LicenseNotFound;
                    continue;
                }

                if (!d.Index.TryGetValue(op.UserId, out int ui))
                {
                    op.Result = EmulatorResults.UserNotFound;
                    continue;
                }

                op.UserIndex = ui;
                pairs.TryGetValue((ui, op.Bit), out int kinds);
                pairs[(ui, op.Bit)] = kinds | (op.Add ? 1 : 2);
            }

            foreach (Op op in ops)
            {
                if (op.Result is null && pairs[(op.UserIndex, op.Bit)] == 3)
                {
                    op.Result = EmulatorResults.ConflictingChange;
                }
            }

            // Per user: the operations still standing; iterate to a fixpoint, judging each user's state after
            // the whole request.
            var byUser = new Dictionary<int, List<Op>>();
            foreach (Op op in ops)
            {
                if (op.Result is null)
                {
                    if (!byUser.TryGetValue(op.UserIndex, out List<Op>? list))
                    {
                        byUser[op.UserIndex] = list = new List<Op>();
                    }

                    list.Add(op);
                }
            }

            var newMasks = new Dictionary<int, int>(byUser.Count);
            foreach ((int ui, List<Op> userOps) in byUser)
            {
                int original = d.Masks[ui];
                while (true)
                {
                    int final = Apply(original, userOps);
                    int effective = EmulatorCatalog.Effective(final);

                    // 1. Added licenses whose prerequisites would not be held.
                    bool failed = false;
                    foreach (Op op in userOps)
                    {
                        if (op.Result is null && op.Add && (original & (1 << op.Bit)) == 0 &&
                            (EmulatorCatalog.PrerequisiteMask[op.Bit] & ~effective) != 0)
                        {
                            op.Result = EmulatorResults.PrerequisiteMissing;
                            failed = true;
                        }
                    }

                    if (failed)
                    {
                        continue;
                    }

                    // 2. Removed licenses that a license still held needs (directly or through a bundle).
                    int missing = 0;
                    for (int b = 0; b < EmulatorCatalog.Count; b++)
                    {
                        if ((final & (1 << b)) != 0)
                        {
                            missing |= EmulatorCatalog.PrerequisiteMask[b] & ~effective;
                        }
                    }

                    if (missing != 0)
                    {
                        foreach (Op op in userOps)
                        {
                            if (op.Result is null && !op.Add && (original & (1 << op.Bit)) != 0 &&
                                (((1 << op.Bit) | EmulatorCatalog.ComprisesMask[op.Bit]) & missing) != 0)
                            {
                                op.Result = EmulatorResults.PrerequisiteInUse;
                                failed = true;
                            }
                        }
                    }

                    if (!failed)
                    {
                        newMasks[ui] = final;
                        break;
                    }
                }
            }

            foreach ((int ui, int mask) in newMasks)
            {
                Volatile.Write(ref d.Masks[ui], mask);
            }
        }

        var statuses = new EmulatorUpdateStatus[ops.Count];
        for (int i = 0; i < ops.Count; i++)
        {
            statuses[i] = new EmulatorUpdateStatus(ops[i].UserId, ops[i].LicenseId, ops[i].Result ?? EmulatorResults.Success);
        }

        return statuses;
    }

    /// <summary>Re-seeds the org.</summary>
    public void Reset(int users, int seed)
    {
        if (users < 0 || users > EmulatorOptions.MaxUsers)
        {
            throw new ArgumentOutOfRangeException(nameof(users), users, $"Users must be from 0 to {EmulatorOptions.MaxUsers}.");
        }

        OrgData fresh = OrgData.Create(users, seed);
        lock (_gate)
        {
            _data = fresh;
        }
    }

    internal OrgData Data => Volatile.Read(ref _data);

    internal bool TryGetMask(string userId, out int mask)
    {
        OrgData d = _data;
        if (userId is not null && d.Index.TryGetValue(userId, out int i))
        {
            mask = Volatile.Read(ref d.Masks[i]);
            return true;
        }

        mask = 0;
        return false;
    }

    internal int[] SnapshotMasks()
    {
        lock (_gate)
        {
            return (int[])_data.Masks.Clone();
        }
    }

    private static int Apply(int original, List<Op> ops)
    {
        int m = original;
        foreach (Op op in ops)
        {
            if (op.Result is null)
            {
                m = op.Add ? m | (1 << op.Bit) : m & ~(1 << op.Bit);
            }
        }

        return m;
    }

    private sealed class Op
    {
        public string UserId = string.Empty;
        public string LicenseId = string.Empty;
        public bool Add;
        public int Bit = -1;
        public int UserIndex = -1;
        public string? Result;
    }

    internal sealed class OrgData
    {
        public string OrganizationId = string.Empty;
        public int Seed;
        public string[] UserIds = Array.Empty<string>();
        public Dictionary<string, int> Index = new(StringComparer.OrdinalIgnoreCase);
        public int[] Masks = Array.Empty<int>();

        public static OrgData Create(int users, int seed)
        {
            if (users < 0 || users > EmulatorOptions.MaxUsers)
            {
                throw new ArgumentOutOfRangeException(nameof(users), users, $"Users must be from 0 to {EmulatorOptions.MaxUsers}.");
            }

            var rnd = new Random(seed);
            var d = new OrgData
            {
                Seed = seed,
                OrganizationId = NextGuid(rnd),
                UserIds = new string[users],
                Index = new Dictionary<string, int>(users, StringComparer.OrdinalIgnoreCase),
                Masks = new int[users],
            };

            for (int i = 0; i < users; i++)
            {
                string id;
                do
                {
                    id = NextGuid(rnd);
                }
                while (d.Index.ContainsKey(id) || id == d.OrganizationId);

                d.UserIds[i] = id;
                d.Index[id] = i;
                d.Masks[i] = NextHoldings(rnd);
            }

            return d;
        }

        private static string NextGuid(Random rnd)
        {
            Span<byte> b = stackalloc byte[16];
            rnd.NextBytes(b);
            b[7] = (byte)((b[7] & 0x0F) | 0x40); // version 4
            b[8] = (byte)((b[8] & 0x3F) | 0x80); // RFC 4122 variant
            return new Guid(b).ToString("D");
        }

        private static int NextHoldings(Random rnd)
        {
            static int Bit(string id) => 1 << EmulatorCatalog.IndexOf(id);

            int r = rnd.Next(100);
            string primary = r < 25 ? EmulatorCatalog.Collaborate
                : r < 45 ? EmulatorCatalog.Communicate
                : r < 65 ? EmulatorCatalog.CloudCX1
                : r < 80 ? EmulatorCatalog.CloudCX2
                : r < 92 ? EmulatorCatalog.CloudCX3
                : EmulatorCatalog.CloudCX4;
            int mask = Bit(primary);
            int count = 1;

            string? addOn = primary switch
            {
                EmulatorCatalog.CloudCX1 => EmulatorCatalog.WemAddonI,
                EmulatorCatalog.CloudCX2 => EmulatorCatalog.WemAddonII,
                EmulatorCatalog.CloudCX3 => EmulatorCatalog.SpeechTextAnalytics,
                _ => null,
            };
            if (addOn is not null && rnd.Next(100) < 40)
            {
                mask |= Bit(addOn);
                count++;
            }

            if (rnd.Next(100) < 20)
            {
                string extra = primary == EmulatorCatalog.Collaborate ? EmulatorCatalog.Communicate : EmulatorCatalog.Collaborate;
                if ((mask & Bit(extra)) == 0 && count < 3)
                {
                    mask |= Bit(extra);
                }
            }

            return mask;
        }
    }
}
