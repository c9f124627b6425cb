using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets license definitions: what each license grants, needs and bundles.</para>
    /// <para type="description">With no id, every definition of the org. With ids (from parameters or the pipeline, including the LicenseIds of Get-PCLicenseUser output), those definitions; an unknown id is a non-terminating ObjectNotFound error and the others still come out. With -RoleId, the licenses the service infers for those roles.</para>
    /// <example><code>Get-PCLicenseDefinition</code></example>
    /// <example><code>Get-PCLicenseDefinition cloudCX2, wem_addon_ii</code></example>
    /// <example><code>Get-PCLicenseUser $userId | Get-PCLicenseDefinition</code></example>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PCLicenseDefinition", DefaultParameterSetName = ByIdSet)]
    [OutputType(typeof(LicenseDefinition))]
    public sealed class GetPCLicenseDefinitionCommand : PCConnectedCmdlet
    {
        private const string ByIdSet = "ById";
        private const string ByRoleSet = "ByRole";

        private readonly List<string> licenseIds = new List<string>();
        private readonly List<string> roleIds = new List<string>();

        /// <summary><para type="description">License ids. Binds from the pipeline by value and by property name (Id, LicenseId, LicenseIds).</para></summary>
        [Parameter(Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "LicenseIds")]
        [ArgumentCompleter(typeof(LicenseIdCompleter))]
        [AllowEmptyCollection]
        public string[]? LicenseId { get; set; }

        /// <summary><para type="description">Role ids: outputs the definitions of the licenses the service infers for them (POST /api/v2/license/infer).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = ByRoleSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] RoleId { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByRoleSet)
            {
                roleIds.AddRange(RoleId.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id.Trim()));
                return;
            }

            foreach (var id in LicenseId ?? Array.Empty<string>())
            {
                if (string.IsNullOrWhiteSpace(id))
                {
                    WriteError(ErrorRecords.Create("InvalidLicenseId", ErrorCategory.InvalidArgument, "A license id is empty.", id));
                }
                else
                {
                    licenseIds.Add(id.Trim());
                }
            }
        }

        protected override void EndProcessing()
        {
            var context = Connection;
            if (ParameterSetName == ByRoleSet)
            {
                WriteInferred(context);
                return;
            }

            var everything = licenseIds.Count == 0 && !MyInvocation.ExpectingInput && !MyInvocation.BoundParameters.ContainsKey(nameof(LicenseId));
            if (everything)
            {
                Run(async (output, token) =>
                {
                    var definitions = await context.Api.GetDefinitionsAsync(token).ConfigureAwait(false);
                    context.Definitions.Remember(definitions);
                    foreach (var definition in definitions)
                    {
                        output.WriteObject(definition);
                    }
                });
                return;
            }

            var wanted = licenseIds.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (wanted.Count == 0)
            {
                return;
            }

            Run(async (output, token) =>
            {
                if (wanted.Count == 1)
                {
                    var single = await context.Api.GetDefinitionAsync(wanted[0], token).ConfigureAwait(false);
                    WriteFoundOrMissing(output, wanted, single == null ? Array.Empty<LicenseDefinition>() : new[] { single });
                    return;
                }

                // Several ids: one GET of the whole catalogue beats one GET per id.
                var all = await context.Api.GetDefinitionsAsync(token).ConfigureAwait(false);
                context.Definitions.Remember(all);
                WriteFoundOrMissing(output, wanted, all);
            });
        }

        private void WriteInferred(PCContext context)
        {
            var roles = roleIds.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (roles.Count == 0)
            {
                return;
            }

            Run(async (output, token) =>
            {
                var inferred = await context.Api.InferLicensesAsync(roles, token).ConfigureAwait(false);
                if (inferred.Count == 0)
                {
                    output.Verbose($"The service infers no license for role(s) {string.Join(", ", roles)}.");
                    return;
                }

                var all = await context.Api.GetDefinitionsAsync(token).ConfigureAwait(false);
                context.Definitions.Remember(all);
                var byId = all.GroupBy(d => d.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
                foreach (var id in inferred)
                {
                    if (byId.TryGetValue(id, out var definition))
                    {
                        output.WriteObject(definition);
                    }
                    else
                    {
                        // Inferred but not in the catalogue: still say which license, with what we know.
                        output.WriteWarning($"License '{id}' was inferred for the roles but has no definition in the org; it is output with its id only.");
                        output.WriteObject(new LicenseDefinition(id, null, null, null, null, null));
                    }
                }
            }, roles);
        }

        private static void WriteFoundOrMissing(CmdletOutput output, IReadOnlyList<string> wanted, IReadOnlyList<LicenseDefinition> found)
        {
            var byId = found.GroupBy(d => d.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            foreach (var id in wanted)
            {
                if (byId.TryGetValue(id, out var definition))
                {
                    output.WriteObject(definition);
                }
                else
                {
                    output.WriteError(ErrorRecords.LicenseNotFound(id));
                }
            }
        }
    }
}
