<#
.SYNOPSIS
    Writes the module's MAML help (PureCloudLicense.dll-Help.xml) and about_PureCloudLicense.help.txt.
.DESCRIPTION
    Reads each cmdlet's metadata (verb, noun, parameter sets, positions, pipeline binding, aliases, validation,
    output types) from the built assembly through PowerShell's own CmdletInfo, and its text from the compiler's
    XML documentation file, written in the XmlDoc2CmdletDoc convention:

        on the class      <para type="synopsis">, <para type="description"> (one or more),
                          <example>[<para>introduction</para>]<code>…</code>[<para>remarks</para>]</example>,
                          <para type="link" uri="…">text</para>,
                          <list type="alertSet"><item><term>title</term><description>text</description></item></list>
        on a parameter    <para type="description"> (one or more)

    The assembly is loaded from its bytes (Assembly.Load(byte[])), into a load context of its own: it does not
    lock the file, and it does not clash with a copy of the module already imported in this process.

    A cmdlet without a synopsis, a description or an example, and a parameter without a description, is a warning
    (so gaps show in build logs), not an error. Real errors (missing input, unreadable XML, no cmdlet found) throw:
    the build stops, and `pwsh -File` exits non-zero.
.EXAMPLE
    ./New-CmdletHelp.ps1 -AssemblyPath module/PureCloudLicense.dll -DocumentationPath bin/Release/netstandard2.0/PureCloudLicense.xml -OutputPath module/PureCloudLicense.dll-Help.xml
#>
[CmdletBinding()]
param(
    # The built module DLL.
    [Parameter(Mandatory)]
    [string] $AssemblyPath,

    # The compiler's XML documentation file for that DLL.
    [Parameter(Mandatory)]
    [string] $DocumentationPath,

    # The MAML file to write; about_PureCloudLicense.help.txt is written in the same folder.
    [Parameter(Mandatory)]
    [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$NsMSHelp = 'http://msdn.microsoft.com/mshelp'
$AboutTopic = 'about_PureCloudLicense'

# ---------------------------------------------------------------------------------------------------------------
# Reading the XML documentation
# ---------------------------------------------------------------------------------------------------------------

function Read-Documentation([string] $Path) {
    $doc = [System.Xml.XmlDocument]::new()
    $doc.PreserveWhitespace = $true   # keeps the space in "<c>a</c> <c>b</c>" and the layout of <code>
    try {
        $doc.Load($Path)
    } catch {
        throw "Cannot read the XML documentation file '$Path': $($_.Exception.GetBaseException().Message)"
    }
    $members = @{}
    foreach ($member in $doc.SelectNodes('/doc/members/member')) {
        $members[$member.GetAttribute('name')] = $member
    }
    return $members
}

function Get-DocId([string] $Prefix, [type] $Type, [string] $Member) {
    # Documentation ids use '.' for nested types where reflection uses '+'.
    $id = "${Prefix}:" + ($Type.FullName -replace '\+', '.')
    if ($Member) { $id += ".$Member" }
    return $id
}

function Format-Cref([string] $Cref) {
    $name = $Cref -replace '^[A-Z]:', '' -replace '\(.*$', '' -replace '`+\d+', ''
    return ($name -split '\.')[-1]
}

function Get-InlineText([System.Xml.XmlNode] $Node) {
    # The text of a node, with <see>, <paramref>, <c> … rendered as plain words.
    $text = [System.Text.StringBuilder]::new()
    foreach ($child in $Node.ChildNodes) {
        if ($child -is [System.Xml.XmlCharacterData]) {
            if ($child -isnot [System.Xml.XmlComment]) { [void] $text.Append($child.Value) }
            continue
        }
        if ($child -isnot [System.Xml.XmlElement]) { continue }
        switch ($child.LocalName) {
            { $_ -in 'see', 'seealso' } {
                $inner = Get-InlineText $child
                if ($inner.Trim()) { [void] $text.Append($inner) }
                elseif ($child.HasAttribute('cref')) { [void] $text.Append((Format-Cref $child.GetAttribute('cref'))) }
                elseif ($child.HasAttribute('langword')) { [void] $text.Append($child.GetAttribute('langword')) }
                elseif ($child.HasAttribute('href')) { [void] $text.Append($child.GetAttribute('href')) }
                break
            }
            { $_ -in 'paramref', 'typeparamref' } { [void] $text.Append($child.GetAttribute('name')); break }
            default { [void] $text.Append((Get-InlineText $child)) }
        }
    }
    return $text.ToString()
}

function Get-ParagraphText([System.Xml.XmlNode] $Node) {
    return ((Get-InlineText $Node) -replace '\s+', ' ').Trim()
}

function Get-CodeText([System.Xml.XmlNode] $Node) {
    # The compiler keeps the source indentation of multi-line <code>: drop blank edges and the common indent.
    $lines = [System.Collections.Generic.List[string]]::new()
    foreach ($line in ($Node.InnerText -replace "`r`n", "`n") -split "`n") { $lines.Add($line.TrimEnd()) }
    while ($lines.Count -gt 0 -and -not $lines[0].Trim()) { $lines.RemoveAt(0) }
    while ($lines.Count -gt 0 -and -not $lines[$lines.Count - 1].Trim()) { $lines.RemoveAt($lines.Count - 1) }
    $indent = ($lines | Where-Object { $_.Trim() } | ForEach-Object { $_.Length - $_.TrimStart().Length } |
        Measure-Object -Minimum).Minimum
    if (-not $indent) { $indent = 0 }
    return (($lines | ForEach-Object { if ($_.Length -ge $indent) { $_.Substring($indent) } else { $_.TrimStart() } }) -join "`n")
}

function Get-TypedParagraphs([System.Xml.XmlNode] $Member, [string] $Type) {
    # <para type="…"> anywhere in the member except inside an <example>.
    if (-not $Member) { return @() }
    return @($Member.SelectNodes(".//para[@type='$Type'][not(ancestor::example)]") |
        ForEach-Object { Get-ParagraphText $_ } | Where-Object { $_ })
}

function Get-PlainSummary([System.Xml.XmlNode] $Member) {
    # A <summary> written for developers (no typed paragraphs): used for output types and as a fallback.
    if (-not $Member) { return '' }
    $summary = $Member.SelectSingleNode('summary')
    if (-not $summary -or $summary.SelectSingleNode('.//para[@type]')) { return '' }
    return Get-ParagraphText $summary
}

function Get-Examples([System.Xml.XmlNode] $Member) {
    if (-not $Member) { return @() }
    foreach ($example in $Member.SelectNodes('.//example')) {
        $introduction = [System.Collections.Generic.List[string]]::new()
        $remarks = [System.Collections.Generic.List[string]]::new()
        $code = [System.Collections.Generic.List[string]]::new()
        $loose = [System.Text.StringBuilder]::new()   # text directly in <example>, outside <para> and <code>
        foreach ($child in $example.ChildNodes) {
            if ($child -is [System.Xml.XmlElement] -and $child.LocalName -eq 'code') {
                $code.Add((Get-CodeText $child))
                continue
            }
            $text = if ($child -is [System.Xml.XmlElement]) { Get-ParagraphText $child }
                    elseif ($child -is [System.Xml.XmlText]) { ($child.Value -replace '\s+', ' ').Trim() }
                    else { '' }
            if (-not $text) { continue }
            if ($code.Count -eq 0) { $introduction.Add($text) } else { $remarks.Add($text) }
        }
        if ($code.Count -eq 0) { continue }
        [pscustomobject]@{ Introduction = @($introduction); Code = ($code -join "`n"); Remarks = @($remarks) }
    }
}

function Get-Links([System.Xml.XmlNode] $Member) {
    if (-not $Member) { return @() }
    foreach ($para in $Member.SelectNodes(".//para[@type='link'][not(ancestor::example)]")) {
        [pscustomobject]@{ Text = (Get-ParagraphText $para); Uri = $para.GetAttribute('uri') }
    }
}

function Get-Alerts([System.Xml.XmlNode] $Member) {
    if (-not $Member) { return @() }
    foreach ($item in $Member.SelectNodes(".//list[@type='alertSet']/item")) {
        $term = $item.SelectSingleNode('term')
        $description = $item.SelectSingleNode('description')
        [pscustomobject]@{
            Title = if ($term) { Get-ParagraphText $term } else { '' }
            Text  = @(if ($description) {
                    $paras = @($description.SelectNodes('para'))
                    if ($paras.Count) { $paras | ForEach-Object { Get-ParagraphText $_ } } else { Get-ParagraphText $description }
                })
        }
    }
}

# ---------------------------------------------------------------------------------------------------------------
# Reading the cmdlets
# ---------------------------------------------------------------------------------------------------------------

function Import-CmdletAssembly([string] $Path) {
    # From bytes: an assembly load context of its own, no file lock, no clash with an imported copy of the module.
    try {
        return [System.Reflection.Assembly]::Load([System.IO.File]::ReadAllBytes($Path))
    } catch {
        throw "Cannot load '$Path': $($_.Exception.GetBaseException().Message)"
    }
}

function Get-LoadableTypes([System.Reflection.Assembly] $Assembly) {
    try {
        return $Assembly.GetExportedTypes()
    } catch [System.Reflection.ReflectionTypeLoadException] {
        foreach ($e in $_.Exception.LoaderExceptions) { Write-Warning "Type load: $($e.Message)" }
        return @($_.Exception.Types | Where-Object { $_ -and $_.IsPublic })
    }
}

function Get-FriendlyTypeName([type] $Type) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    if ($Type.IsArray) { return (Get-FriendlyTypeName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType) {
        $arguments = ($Type.GetGenericArguments() | ForEach-Object { Get-FriendlyTypeName $_ }) -join ', '
        return ($Type.Name -replace '`\d+$', '') + "[$arguments]"
    }
    return $Type.Name
}

function Get-FullTypeName([type] $Type) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    if ($Type.IsArray) { return (Get-FullTypeName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType) {
        $arguments = ($Type.GetGenericArguments() | ForEach-Object { Get-FullTypeName $_ }) -join ', '
        return (($Type.Namespace, ($Type.Name -replace '`\d+$', '')) -join '.') + "[$arguments]"
    }
    return $Type.FullName -replace '\+', '.'
}

function Get-PropertyChain([type] $Type, [string] $Name) {
    # The property and, for an override without its own comment, the ones it overrides.
    $flags = [System.Reflection.BindingFlags]'Public, Instance, DeclaredOnly'
    for ($t = $Type; $t; $t = $t.BaseType) {
        $property = $t.GetProperty($Name, $flags)
        if ($property) { $property }
    }
}

function Get-DeclarationOrder([type] $Type) {
    # Parameter names in source order: the cmdlet's own properties first, then each base class's.
    $flags = [System.Reflection.BindingFlags]'Public, Instance, DeclaredOnly'
    $names = [System.Collections.Generic.List[string]]::new()
    for ($t = $Type; $t -and $t -ne [System.Management.Automation.PSCmdlet] -and $t -ne [System.Management.Automation.Cmdlet]; $t = $t.BaseType) {
        foreach ($property in $t.GetProperties($flags) | Sort-Object MetadataToken) {
            if (-not $names.Contains($property.Name)) { $names.Add($property.Name) }
        }
    }
    return $names
}

function Format-DefaultValue($Value) {
    if ($null -eq $Value) { return 'None' }
    if ($Value -is [System.Management.Automation.SwitchParameter]) { return $(if ($Value.IsPresent) { 'True' } else { 'False' }) }
    if ($Value -is [string]) { return $(if ($Value) { $Value } else { 'None' }) }
    if ($Value -is [System.Collections.IEnumerable]) {
        $items = @($Value)
        if ($items.Count -eq 0) { return 'None' }
        return ($items | ForEach-Object { [System.Convert]::ToString($_, [cultureinfo]::InvariantCulture) }) -join ', '
    }
    return [System.Convert]::ToString($Value, [cultureinfo]::InvariantCulture)
}

function Get-DefaultValues([type] $Type) {
    # What a fresh instance holds, as XmlDoc2CmdletDoc does; no defaults when the cmdlet cannot be created.
    $values = @{}
    try {
        $instance = [System.Activator]::CreateInstance($Type)
    } catch {
        Write-Warning "$($Type.Name): cannot create an instance to read default values: $($_.Exception.GetBaseException().Message)"
        return $values
    }
    try {
        foreach ($property in $Type.GetProperties()) {
            if ($property.CanRead -and $property.GetIndexParameters().Count -eq 0 -and $property.DeclaringType.Assembly -eq $Type.Assembly) {
                try { $values[$property.Name] = $property.GetValue($instance) } catch { Write-Debug "Default of $($property.Name): $_" }
            }
        }
    } finally {
        if ($instance -is [System.IDisposable]) { $instance.Dispose() }
    }
    return $values
}

function Get-CommandModel([type] $Type, [hashtable] $Docs) {
    $attribute = $Type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1
    $name = "$($attribute.VerbName)-$($attribute.NounName)"
    # PowerShell's own view of the cmdlet: the same parameter sets and bindings Get-Command shows.
    $info = [System.Management.Automation.CmdletInfo]::new($name, $Type)
    $common = [System.Collections.Generic.HashSet[string]]::new([string[]]@(
            [System.Management.Automation.Cmdlet]::CommonParameters), [System.StringComparer]::OrdinalIgnoreCase)
    $optionalCommon = @{
        WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
        Confirm = 'Prompts you for confirmation before running the cmdlet.'
    }

    $classDoc = $Docs[(Get-DocId 'T' $Type)]
    $synopsis = @(Get-TypedParagraphs $classDoc 'synopsis')
    $description = @(Get-TypedParagraphs $classDoc 'description')
    $examples = @(Get-Examples $classDoc)
    if (-not $classDoc) { Write-Warning "${name}: no XML documentation comment on $($Type.FullName)." }
    if ($synopsis.Count -eq 0) {
        $plain = Get-PlainSummary $classDoc
        if ($plain) {
            Write-Warning "${name}: no <para type=`"synopsis`">; using the plain <summary> text."
            $synopsis = @($plain)
        } elseif ($classDoc) {
            Write-Warning "${name}: no synopsis (<para type=`"synopsis`">)."
        }
    }
    if ($description.Count -eq 0 -and $classDoc) { Write-Warning "${name}: no description (<para type=`"description`">)." }
    if ($examples.Count -eq 0) { Write-Warning "${name}: no example (<example><code>…</code></example>)." }

    $sets = @(@($info.ParameterSets | Where-Object IsDefault) + @($info.ParameterSets | Where-Object { -not $_.IsDefault }))
    $defaults = Get-DefaultValues $Type
    $order = Get-DeclarationOrder $Type
    $rank = { param($n) $i = $order.IndexOf($n); if ($i -lt 0) { [int]::MaxValue } else { $i } }   # WhatIf, Confirm last

    $parameters = [System.Collections.Generic.List[object]]::new()
    $names = @($info.Parameters.Keys | Where-Object { -not $common.Contains($_) } |
        Sort-Object { & $rank $_ })
    foreach ($parameterName in $names) {
        $metadata = $info.Parameters[$parameterName]
        $inSets = @(foreach ($set in $sets) { $set.Parameters | Where-Object Name -EQ $parameterName })
        $text = @()
        if ($optionalCommon.ContainsKey($parameterName)) {
            $text = @($optionalCommon[$parameterName])
        } else {
            foreach ($property in Get-PropertyChain $Type $parameterName) {
                $member = $Docs[(Get-DocId 'P' $property.DeclaringType $property.Name)]
                $text = @(Get-TypedParagraphs $member 'description')
                if ($text.Count -eq 0 -and $member) {
                    $plain = Get-PlainSummary $member
                    if ($plain) {
                        Write-Warning "${name} -${parameterName}: no <para type=`"description`">; using the plain <summary> text."
                        $text = @($plain)
                    }
                }
                if ($text.Count) { break }
            }
            if ($text.Count -eq 0) { Write-Warning "${name} -${parameterName}: no description (<para type=`"description`">)." }
        }

        $validValues = @()
        foreach ($a in $metadata.Attributes) {
            if ($a -is [System.Management.Automation.ValidateSetAttribute]) {
                $validValues = @($a.ValidValues)
                $text += "Valid values: $($validValues -join ', ')."
            } elseif ($a -is [System.Management.Automation.ValidateRangeAttribute] -and $null -ne $a.MinRange -and $null -ne $a.MaxRange) {
                $text += "Valid range: $($a.MinRange) to $($a.MaxRange)."
            }
        }
        $valueType = $metadata.ParameterType
        if ($valueType.IsArray) { $valueType = $valueType.GetElementType() }
        $underlying = [Nullable]::GetUnderlyingType($valueType)
        if ($underlying) { $valueType = $underlying }
        if ($validValues.Count -eq 0 -and $valueType.IsEnum) {
            $validValues = @([System.Enum]::GetNames($valueType))
            $text += "Valid values: $($validValues -join ', ')."
        }
        $byValue = @($inSets | Where-Object ValueFromPipeline).Count -gt 0
        $byName = @($inSets | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
        $pipeline = @(if ($byValue) { 'ByValue' }; if ($byName) { 'ByPropertyName' })
        $positional = @($inSets | Where-Object { $_.Position -ge 0 } | Select-Object -First 1)
        $isSwitch = $metadata.SwitchParameter
        # Required when mandatory in every set it belongs to (then a fresh instance's value is no default).
        $required = $inSets.Count -gt 0 -and @($inSets | Where-Object { -not $_.IsMandatory }).Count -eq 0
        $parameters.Add([pscustomobject]@{
                Name           = $parameterName
                Description    = $text
                Type           = $metadata.ParameterType
                TypeName       = Get-FriendlyTypeName $metadata.ParameterType
                FullTypeName   = Get-FullTypeName $metadata.ParameterType
                IsSwitch       = $isSwitch
                VariableLength = $metadata.ParameterType.IsArray
                Required       = $required
                Position       = if ($positional) { [string]$positional[0].Position } else { 'named' }
                PipelineInput  = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
                Pipeline       = $pipeline
                Aliases        = @($metadata.Aliases)
                Globbing       = @($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
                DefaultValue   = if ($required) { 'None' } elseif ($isSwitch -and -not $defaults.ContainsKey($parameterName)) { 'False' } elseif ($defaults.ContainsKey($parameterName)) { Format-DefaultValue $defaults[$parameterName] } else { 'None' }
                ValidValues    = $validValues
            })
    }
    $byName = @{}
    foreach ($p in $parameters) { $byName[$p.Name] = $p }

    $syntax = foreach ($set in $sets) {
        $members = @($set.Parameters | Where-Object { $byName.ContainsKey($_.Name) })
        # Positional ones by position, then the mandatory named ones, then the rest; each group in source order.
        $sorted = @($members | Sort-Object `
                @{ Expression = { if ($_.Position -ge 0) { 0 } elseif ($_.IsMandatory) { 1 } else { 2 } } },
                @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { 0 } } },
                @{ Expression = { & $rank $_.Name } })
        [pscustomobject]@{
            Name       = $set.Name
            Parameters = @(foreach ($p in $sorted) {
                    [pscustomobject]@{
                        Parameter = $byName[$p.Name]
                        Required  = $p.IsMandatory
                        Position  = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
                    }
                })
        }
    }

    $inputs = @(foreach ($group in $parameters | Where-Object { $_.Pipeline } | Group-Object FullTypeName) {
            [pscustomobject]@{
                TypeName    = $group.Name
                Description = @($group.Group | ForEach-Object {
                        "Binds to -$($_.Name) $(($_.Pipeline | ForEach-Object { if ($_ -eq 'ByValue') { 'by value' } else { 'by property name' } }) -join ' and ')" +
                        $(if ($_.Aliases.Count) { " (property names: $((@($_.Name) + $_.Aliases) -join ', '))" } else { '' }) + '.'
                    })
            }
        })

    $outputs = @(foreach ($outputType in $Type.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $true)) {
            foreach ($psType in $outputType.Type) {
                $clrType = $psType.Type
                [pscustomobject]@{
                    TypeName    = if ($clrType) { Get-FullTypeName $clrType } else { $psType.Name }
                    Description = if ($clrType -and $clrType.Assembly -eq $Type.Assembly) { Get-PlainSummary $Docs[(Get-DocId 'T' $clrType)] } else { '' }
                }
            }
        })

    [pscustomobject]@{
        Name        = $name
        Verb        = $attribute.VerbName
        Noun        = $attribute.NounName
        Synopsis    = $synopsis
        Description = if ($description.Count) { $description } else { $synopsis }
        Syntax      = @($syntax)
        Parameters  = @($parameters)
        Inputs      = $inputs
        Outputs     = $outputs
        Examples    = $examples
        Alerts      = @(Get-Alerts $classDoc)
        Links       = @(Get-Links $classDoc)
    }
}

# ---------------------------------------------------------------------------------------------------------------
# Writing MAML
# ---------------------------------------------------------------------------------------------------------------

function Write-Paragraphs([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs) {
    $Writer.WriteStartElement('maml', 'description', $NsMaml)
    foreach ($p in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $NsMaml, $p) }
    $Writer.WriteEndElement()
}

function Write-Type([System.Xml.XmlWriter] $Writer, [string] $TypeName, [string[]] $Description) {
    $Writer.WriteStartElement('dev', 'type', $NsDev)
    $Writer.WriteElementString('maml', 'name', $NsMaml, $TypeName)
    $Writer.WriteEndElement()
    Write-Paragraphs $Writer @($Description | Where-Object { $_ })
}

function Write-ParameterValue([System.Xml.XmlWriter] $Writer, $Parameter, [bool] $InSyntax) {
    if ($Parameter.IsSwitch) {
        if ($InSyntax) { return }
        $Writer.WriteStartElement('command', 'parameterValue', $NsCommand)
        $Writer.WriteAttributeString('required', 'false')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString('SwitchParameter')
        $Writer.WriteEndElement()
        return
    }
    if ($InSyntax -and $Parameter.ValidValues.Count) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $NsCommand)
        foreach ($value in $Parameter.ValidValues) {
            $Writer.WriteStartElement('command', 'parameterValue', $NsCommand)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
        return
    }
    $Writer.WriteStartElement('command', 'parameterValue', $NsCommand)
    $Writer.WriteAttributeString('required', 'true')
    $Writer.WriteAttributeString('variableLength', $Parameter.VariableLength.ToString().ToLowerInvariant())
    $Writer.WriteString($Parameter.TypeName)
    $Writer.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, $Parameter, [bool] $Required, [string] $Position, [bool] $InSyntax) {
    $Writer.WriteStartElement('command', 'parameter', $NsCommand)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $Parameter.VariableLength.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $Parameter.Globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Parameter.PipelineInput)
    $Writer.WriteAttributeString('position', $Position)
    $Writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $NsMaml, $Parameter.Name)
    if (-not $InSyntax) { Write-Paragraphs $Writer $Parameter.Description }
    Write-ParameterValue $Writer $Parameter $InSyntax
    $Writer.WriteStartElement('dev', 'type', $NsDev)
    $Writer.WriteElementString('maml', 'name', $NsMaml, $Parameter.FullTypeName)
    $Writer.WriteElementString('maml', 'uri', $NsMaml, '')
    $Writer.WriteEndElement()
    if (-not $InSyntax) { $Writer.WriteElementString('dev', 'defaultValue', $NsDev, $Parameter.DefaultValue) }
    $Writer.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $Writer, $Command) {
    $Writer.WriteStartElement('command', 'command', $NsCommand)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $NsMaml)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $NsCommand)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $NsDev)
    $Writer.WriteAttributeString('xmlns', 'MSHelp', $null, $NsMSHelp)

    $Writer.WriteStartElement('command', 'details', $NsCommand)
    $Writer.WriteElementString('command', 'name', $NsCommand, $Command.Name)
    $Writer.WriteElementString('command', 'verb', $NsCommand, $Command.Verb)
    $Writer.WriteElementString('command', 'noun', $NsCommand, $Command.Noun)
    Write-Paragraphs $Writer $Command.Synopsis
    $Writer.WriteEndElement()

    Write-Paragraphs $Writer $Command.Description

    $Writer.WriteStartElement('command', 'syntax', $NsCommand)
    foreach ($item in $Command.Syntax) {
        $Writer.WriteStartElement('command', 'syntaxItem', $NsCommand)
        $Writer.WriteElementString('maml', 'name', $NsMaml, $Command.Name)
        foreach ($p in $item.Parameters) { Write-Parameter $Writer $p.Parameter $p.Required $p.Position $true }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $NsCommand)
    foreach ($p in $Command.Parameters) { Write-Parameter $Writer $p $p.Required $p.Position $false }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'inputTypes', $NsCommand)
    if ($Command.Inputs.Count -eq 0) {
        $Writer.WriteStartElement('command', 'inputType', $NsCommand)
        Write-Type $Writer 'None' @('This cmdlet takes no pipeline input.')
        $Writer.WriteEndElement()
    }
    foreach ($inputType in $Command.Inputs) {
        $Writer.WriteStartElement('command', 'inputType', $NsCommand)
        Write-Type $Writer $inputType.TypeName $inputType.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'returnValues', $NsCommand)
    foreach ($output in $Command.Outputs) {
        $Writer.WriteStartElement('command', 'returnValue', $NsCommand)
        Write-Type $Writer $output.TypeName @($output.Description)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    if ($Command.Alerts.Count) {
        $Writer.WriteStartElement('maml', 'alertSet', $NsMaml)
        foreach ($alert in $Command.Alerts) {
            $Writer.WriteStartElement('maml', 'alert', $NsMaml)
            if ($alert.Title) { $Writer.WriteElementString('maml', 'para', $NsMaml, $alert.Title) }
            foreach ($para in $alert.Text) { $Writer.WriteElementString('maml', 'para', $NsMaml, $para) }
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $NsCommand)
    $number = 0
    foreach ($example in $Command.Examples) {
        $number++
        $Writer.WriteStartElement('command', 'example', $NsCommand)
        # Get-Help prints the introduction as the prompt before the code, on the same line: the text before the
        # <code> goes in the title instead ("Example 1: Reads one user's licenses.", as platyPS does).
        $title = "Example $number"
        if ($example.Introduction.Count) { $title += ': ' + ($example.Introduction -join ' ') }
        $Writer.WriteElementString('maml', 'title', $NsMaml, "---------- $title ----------")
        $Writer.WriteStartElement('maml', 'introduction', $NsMaml)
        $Writer.WriteEndElement()
        $Writer.WriteElementString('dev', 'code', $NsDev, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $NsDev)
        foreach ($para in $example.Remarks) { $Writer.WriteElementString('maml', 'para', $NsMaml, $para) }
        if ($example.Remarks.Count) { $Writer.WriteElementString('maml', 'para', $NsMaml, '') }   # a blank line before the next
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $NsCommand)
    $links = @($Command.Links) + [pscustomobject]@{ Text = $AboutTopic; Uri = '' }
    foreach ($link in $links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $NsMaml)
        $Writer.WriteElementString('maml', 'linkText', $NsMaml, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $NsMaml, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()   # command:command
}

function Write-Maml([string] $Path, [object[]] $Commands) {
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $settings.NewLineChars = "`n"
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($command in $Commands) { Write-Command $writer $command }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    } finally {
        $writer.Dispose()
    }
}

# ---------------------------------------------------------------------------------------------------------------
# The about topic
# ---------------------------------------------------------------------------------------------------------------

function Format-Wrapped([string] $Text, [int] $Indent, [int] $Width = 80) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ''
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($line -and ($Indent + $line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add((' ' * $Indent) + $line)
            $line = $word
        } else {
            $line = if ($line) { "$line $word" } else { $word }
        }
    }
    if ($line) { $lines.Add((' ' * $Indent) + $line) }
    return ($lines -join "`n")
}

function Write-AboutTopic([string] $Path, [object[]] $Commands) {
    $cmdlets = foreach ($command in $Commands) {
        "    $($command.Name)`n" + (Format-Wrapped ($command.Synopsis -join ' ') 8)
    }
    $text = @"
TOPIC
    $AboutTopic

SHORT DESCRIPTION
    Reads and manages Genesys Cloud (formerly PureCloud) licenses in bulk
    through the License API, with batching, pacing and retries.

LONG DESCRIPTION
    PureCloudLicense reads license definitions and the licenses each user
    holds, for a few users or for a whole org, and adds and removes
    licenses, through the Genesys Cloud License API (/api/v2/license/...).
    Requests are batched and run a few at a time, paced to stay under the
    rate limit, and retried on rate limits and transient failures, so that
    scripts over tens of thousands of users finish without hand-written
    retry loops.

    One DLL serves PowerShell 7 and Windows PowerShell 5.1; it is tested
    on PowerShell 7.

CONNECTING
    Connect-PCOrganization gets an OAuth token (client-credentials grant)
    and makes the connection the default for the process; every other
    cmdlet uses it, or the connection given with -Context.

        `$secret = Read-Host -AsSecureString 'Client secret'
        Connect-PCOrganization -Environment eu_west_1 -ClientId `$id -ClientSecret `$secret

    -Credential (client id as user name, secret as password) and
    -AccessToken (a token obtained elsewhere, not renewed) are the other
    ways in. Without any of them, the credentials come from the
    environment variables GENESYSCLOUD_OAUTHCLIENT_ID,
    GENESYSCLOUD_OAUTHCLIENT_SECRET, GENESYSCLOUD_ACCESS_TOKEN and
    GENESYSCLOUD_REGION (or PURECLOUD_CLIENT_ID, PURECLOUD_SECRET and
    PURECLOUD_ENVIRONMENT).

    -Environment takes a region code (us_east_1, eu_west_1, ...), an
    environment name (mypurecloud.com, usw2.pure.cloud, ...) or the URI of
    a gateway or of the local License API emulator.

    To work on several orgs, connect with -PassThru and pass each
    connection with -Context. Get-PCContext shows the default connection;
    Disconnect-PCOrganization closes it.

CMDLETS
$($cmdlets -join "`n`n")

    Get-Help <cmdlet> -Full shows each cmdlet's parameters and examples.

RETRIES AND PACING
    Each HTTP request is retried on its own, within a retry budget:

    - 429 Too Many Requests: waits for the Retry-After the service sends
      (else its rate-limit reset, else a few seconds), then sends again.
    - 408, 502, 503, 504 and connection failures (including an attempt
      that gets no answer in time): sent again after a capped exponential
      backoff with jitter (half a second, doubling, at most 30 seconds).
    - 400, 401, 403, 404 and 500 are not retried: they fail at once,
      except that a 401 renews a client-credentials token once and sends
      the request again. A token given with -AccessToken is not renewed.
    - A host name that does not resolve and a TLS certificate that does
      not validate are not retried either: they will not mend by waiting.

    The retry budget is the total time one request may spend retrying,
    waits included; when the next wait would go past it, the request fails
    with the last error. It is 5
    minutes by default. Set it when connecting, as a TimeSpan or a number
    of seconds, or later on the connection:

        Connect-PCOrganization -RetryBudget 600
        `$ctx = Get-PCContext; `$ctx.RetryBudget = [TimeSpan]::FromMinutes(10)

    Pacing: every answer carries inin-ratelimit-allowed, -count and -reset
    headers. The module tracks them per connection and, once the window's
    allowance is used up (counting requests still in flight), holds new
    requests until the window resets instead of drawing a 429.

    -Verbose shows each retry and its reason; -Debug also shows requests
    and answers, with tokens and secrets redacted.

SEE ALSO
$(($Commands | ForEach-Object { "    $($_.Name)" }) -join "`n")
"@
    # With a BOM: Windows PowerShell 5.1 reads a BOM-less file as ANSI.
    [System.IO.File]::WriteAllText($Path, ($text -replace "`r?`n", [System.Environment]::NewLine), [System.Text.UTF8Encoding]::new($true))
}

# ---------------------------------------------------------------------------------------------------------------

foreach ($file in @{ AssemblyPath = $AssemblyPath; DocumentationPath = $DocumentationPath }.GetEnumerator()) {
    if (-not (Test-Path -LiteralPath $file.Value -PathType Leaf)) { throw "-$($file.Key): '$($file.Value)' does not exist." }
}
$assemblyFile = (Resolve-Path -LiteralPath $AssemblyPath).ProviderPath
$documentationFile = (Resolve-Path -LiteralPath $DocumentationPath).ProviderPath
$outputFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
$outputDirectory = Split-Path -Parent $outputFile
if (-not (Test-Path -LiteralPath $outputDirectory -PathType Container)) { throw "-OutputPath: the folder '$outputDirectory' does not exist." }

$docs = Read-Documentation $documentationFile
$assembly = Import-CmdletAssembly $assemblyFile
$cmdletTypes = @(Get-LoadableTypes $assembly | Where-Object {
        $_.IsClass -and -not $_.IsAbstract -and [System.Management.Automation.Cmdlet].IsAssignableFrom($_) -and
        $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).Count -gt 0
    })
if ($cmdletTypes.Count -eq 0) { throw "No cmdlet found in '$assemblyFile'." }

$commands = @($cmdletTypes | ForEach-Object { Get-CommandModel $_ $docs } | Sort-Object Name)
$duplicates = @($commands | Group-Object Name | Where-Object Count -GT 1)
if ($duplicates) { throw "More than one class implements $(($duplicates.Name) -join ', ')." }

Write-Maml $outputFile $commands
# Proof that the result is well-formed MAML that PowerShell can read: every command has its name and syntax.
[xml] $written = Get-Content -LiteralPath $outputFile -Raw
$ns = [System.Xml.XmlNamespaceManager]::new($written.NameTable)
$ns.AddNamespace('command', $NsCommand)
if (@($written.SelectNodes('//command:command/command:details/command:name', $ns)).Count -ne $commands.Count) {
    throw "'$outputFile' does not hold the $($commands.Count) commands it should."
}

$aboutFile = Join-Path $outputDirectory "$AboutTopic.help.txt"
Write-AboutTopic $aboutFile $commands

Write-Host "Help for $($commands.Count) cmdlets written to $(Split-Path -Leaf $outputFile) and $(Split-Path -Leaf $aboutFile)"
