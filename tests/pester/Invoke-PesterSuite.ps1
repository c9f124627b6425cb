<#
.SYNOPSIS
    Runs one Pester suite in this (fresh) process and writes its counts as JSON. Called by build.ps1 -Task Test:
    a binary module cannot be unloaded, so every suite gets a pwsh of its own.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ResultPath
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $PesterManifest -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $configuration

# Pester reports FailedCount 0 when a file throws at discovery: count failed blocks and containers too.
[pscustomobject]@{
    Suite            = Split-Path $Path -Leaf
    Passed           = $result.PassedCount
    Failed           = $result.FailedCount
    FailedBlocks     = $result.FailedBlocksCount
    FailedContainers = $result.FailedContainersCount
    Skipped          = $result.SkippedCount
} | ConvertTo-Json | Set-Content -LiteralPath $ResultPath -Encoding utf8
