<#
.SYNOPSIS
    Helpers shared by the Pester suites: start and stop the built License API emulator as a separate process,
    drive its control API (/emulator/...), and find the built module.
.DESCRIPTION
    Nothing here knows a machine path: the repo root is resolved from this file's folder (tests/pester).
    Build first with: dotnet pwsh ./build.ps1 -Task Build
#>
Set-StrictMode -Version 3.0

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
$script:EmulatorClientId = 'pcl-emulator-client'
$script:EmulatorClientSecret = 'pcl-emulator-secret'

function Get-RepoRoot {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $script:RepoRoot
}

function Get-ModuleManifestPath {
    <# The importable module assembled by build.ps1 (repo-root/module/PureCloudLicense.psd1). #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $manifest = Join-Path $script:RepoRoot 'module/PureCloudLicense.psd1'
    $dll = Join-Path $script:RepoRoot 'module/PureCloudLicense.dll'
    if (-not (Test-Path -LiteralPath $manifest) -or -not (Test-Path -LiteralPath $dll)) {
        throw "The module is not built: module/PureCloudLicense.psd1 or module/PureCloudLicense.dll is missing under the repo root. Run 'dotnet pwsh ./build.ps1 -Task Build' first."
    }
    $manifest
}

function Get-EmulatorDllPath {
    [CmdletBinding()]
    [OutputType([string])]
    param([ValidateSet('Release', 'Debug')] [string] $Configuration = 'Release')
    $dll = Join-Path $script:RepoRoot "src/PureCloudLicense.Emulator/bin/$Configuration/net10.0/PureCloudLicense.Emulator.dll"
    if (-not (Test-Path -LiteralPath $dll)) {
        throw "The emulator is not built: src/PureCloudLicense.Emulator/bin/$Configuration/net10.0/PureCloudLicense.Emulator.dll is missing under the repo root. Run 'dotnet pwsh ./build.ps1 -Task Build' first."
    }
    $dll
}

function Get-DotnetPath {
    $command = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    if ($env:DOTNET_HOST_PATH -and (Test-Path -LiteralPath $env:DOTNET_HOST_PATH)) { return $env:DOTNET_HOST_PATH }
    throw 'The dotnet host was not found on PATH (nor in DOTNET_HOST_PATH).'
}

function New-TestSecret {
    <# A read-only SecureString from plain text (test data only). #>
    [CmdletBinding()]
    [OutputType([securestring])]
    param([Parameter(Mandatory, Position = 0)] [AllowEmptyString()] [string] $Text)
    $secure = [securestring]::new()
    foreach ($c in $Text.ToCharArray()) { $secure.AppendChar($c) }
    $secure.MakeReadOnly()
    $secure
}

function Start-TestEmulator {
    <#
    .SYNOPSIS
        Starts the built emulator DLL on a free loopback port and waits until it listens.
    .OUTPUTS
        [pscustomobject] with Url (no trailing slash), Process, ClientId, ClientSecret, LogPath, ErrorLogPath.
    #>
    [CmdletBinding()]
    param(
        [ValidateRange(0, 1000000)] [int] $Users = 200,
        [ValidateRange(0, [int]::MaxValue)] [int] $RateLimit = 0,
        [ValidateRange(1, 3600)] [int] $RateWindowSeconds = 60,
        [ValidateRange(1, [int]::MaxValue)] [int] $TokenLifetime = 86400,
        [bool] $LegacyOrganizationEndpoint = $true,
        [string[]] $ExtraArguments = @(),
        [ValidateRange(1, 120)] [int] $TimeoutSeconds = 30
    )
    $dll = Get-EmulatorDllPath
    $dotnet = Get-DotnetPath
    $id = [guid]::NewGuid().ToString('N').Substring(0, 12)
    $temp = [System.IO.Path]::GetTempPath()
    $out = Join-Path $temp "pcl-emulator-$id.out.txt"
    $err = Join-Path $temp "pcl-emulator-$id.err.txt"
    $arguments = @(
        "`"$dll`""
        '--urls', 'http://127.0.0.1:0'
        '--users', "$Users"
        '--rate-limit', "$RateLimit"
        '--rate-window-seconds', "$RateWindowSeconds"
        '--token-lifetime', "$TokenLifetime"
        '--legacy-organization-endpoint', $LegacyOrganizationEndpoint.ToString().ToLowerInvariant()
    ) + $ExtraArguments

    $process = Start-Process -FilePath $dotnet -ArgumentList $arguments -RedirectStandardOutput $out `
        -RedirectStandardError $err -PassThru -NoNewWindow
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $url = $null
    $clientId = $script:EmulatorClientId
    $clientSecret = $script:EmulatorClientSecret
    while ([DateTime]::UtcNow -lt $deadline) {
        if (Test-Path -LiteralPath $out) {
            $text = [System.IO.File]::ReadAllText($out)   # fine: the emulator writes 4 short lines
            $match = [regex]::Match($text, 'PureCloudLicense emulator listening on (\S+)')
            $secretLine = [regex]::Match($text, '(?m)^Client secret: (\S+)')
            if ($match.Success -and $secretLine.Success) {
                $url = $match.Groups[1].Value.TrimEnd('/')
                # --client-id / --client-secret in -ExtraArguments change them: take what the emulator printed.
                $clientId = [regex]::Match($text, '(?m)^Client id: (\S+)').Groups[1].Value
                $clientSecret = $secretLine.Groups[1].Value
                break
            }
        }
        if ($process.HasExited) { break }
        Start-Sleep -Milliseconds 100
    }

    if (-not $url) {
        $errors = if (Test-Path -LiteralPath $err) { (Get-Content -LiteralPath $err -Raw) } else { '' }
        if (-not $process.HasExited) { $process.Kill($true); $process.WaitForExit(5000) | Out-Null }
        $exit = if ($process.HasExited) { " (exit code $($process.ExitCode))" } else { '' }
        Remove-Item -LiteralPath $out, $err -ErrorAction SilentlyContinue
        throw "The emulator did not report 'PureCloudLicense emulator listening on <url>' within $TimeoutSeconds s$exit. $errors"
    }

    [pscustomobject]@{
        PSTypeName   = 'PureCloudLicense.Tests.Emulator'
        Url          = $url
        Process      = $process
        ClientId     = $clientId
        ClientSecret = $clientSecret
        LogPath      = $out
        ErrorLogPath = $err
    }
}

function Stop-TestEmulator {
    <# Stops an emulator started by Start-TestEmulator (only that process) and removes its log files. #>
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline)] [AllowNull()] $Emulator)
    process {
        if ($null -eq $Emulator) { return }
        $process = $Emulator.Process
        if ($process -and -not $process.HasExited) {
            try { $process.Kill($true) } catch [System.InvalidOperationException] { }
            $process.WaitForExit(10000) | Out-Null
        }
        if ($process) { $process.Dispose() }
        Remove-Item -LiteralPath $Emulator.LogPath, $Emulator.ErrorLogPath -ErrorAction SilentlyContinue
    }
}

function Invoke-EmulatorControl {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Path, $Body)
    $request = @{ Uri = $Emulator.Url + $Path; Method = $Method }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $request.Body = ($Body | ConvertTo-Json -Depth 10 -Compress)
        $request.ContentType = 'application/json'
    }
    Invoke-RestMethod @request
}

function Set-EmulatorFaults {
    <#
    .SYNOPSIS
        POST /emulator/faults: latencyMs, faultRate, rateLimit, rateWindowSeconds, usersBatchShape, rules (only
        the members given change; rules replaces the whole list). Returns the new settings.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator, [Parameter(Mandatory, Position = 1)] [hashtable] $Settings)
    $body = @{} + $Settings
    if ($body.ContainsKey('rules')) { $body.rules = @($body.rules) }   # keep a one-rule list a JSON array
    Invoke-EmulatorControl $Emulator POST '/emulator/faults' $body
}

function Get-EmulatorStats {
    <# GET /emulator/stats: totalRequests, throttled, tokensIssued, faultsInjected, routes. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    Invoke-EmulatorControl $Emulator GET '/emulator/stats'
}

function Get-EmulatorRouteCount {
    <# How many answers a route ('POST /api/v2/license/users') got, over every status or one status. #>
    [CmdletBinding()]
    [OutputType([long])]
    param([Parameter(Mandatory, Position = 0)] $Emulator, [Parameter(Mandatory, Position = 1)] [string] $Route, [string] $Status)
    $stats = Get-EmulatorStats $Emulator
    $entry = $stats.routes.PSObject.Properties[$Route]
    if (-not $entry) { return [long]0 }
    $total = [long]0
    foreach ($p in $entry.Value.PSObject.Properties) {
        if (-not $Status -or $p.Name -eq $Status) { $total += [long]$p.Value }
    }
    $total
}

function Reset-Emulator {
    <# POST /emulator/reset: re-seeds the org, clears stats, restores start-up fault settings. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator, [int] $Users, [int] $Seed)
    $body = @{}
    if ($PSBoundParameters.ContainsKey('Users')) { $body.users = $Users }
    if ($PSBoundParameters.ContainsKey('Seed')) { $body.seed = $Seed }
    Invoke-EmulatorControl $Emulator POST '/emulator/reset' $body
}

function Revoke-EmulatorToken {
    <# POST /emulator/tokens/expire: every token issued so far is expired. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    Invoke-EmulatorControl $Emulator POST '/emulator/tokens/expire'
}

function Get-EmulatorToken {
    <# An access token from POST <url>/oauth/token with Basic auth (client credentials). #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, Position = 0)] $Emulator)
    $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($Emulator.ClientId):$($Emulator.ClientSecret)"))
    $answer = Invoke-RestMethod -Uri "$($Emulator.Url)/oauth/token" -Method Post -Headers @{ Authorization = "Basic $basic" } `
        -ContentType 'application/x-www-form-urlencoded' -Body 'grant_type=client_credentials'
    $answer.access_token
}

Export-ModuleMember -Function Get-RepoRoot, Get-ModuleManifestPath, Get-EmulatorDllPath, New-TestSecret, Start-TestEmulator,
    Stop-TestEmulator, Set-EmulatorFaults, Get-EmulatorStats, Get-EmulatorRouteCount, Reset-Emulator, Revoke-EmulatorToken,
    Get-EmulatorToken
