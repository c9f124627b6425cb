<#
.SYNOPSIS
    Benchmarks the PureCloudLicense module against what users do today with the official SDKs: one request per user
    in a loop, no batching, no pacing, no retry (emulated with Invoke-RestMethod and a token from POST /oauth/token).
.DESCRIPTION
    Run from the repository root after 'dotnet pwsh ./build.ps1 -Task Build':

        dotnet pwsh -NoProfile -NonInteractive -File bench/ModuleThroughput.bench.ps1

    ('dotnet pwsh ./build.ps1 -Task Bench' runs it too.) It starts the built emulator as a separate process on a
    free loopback port (127.0.0.1:0), with --latency-ms 5 as a stand-in for the network round trip and the rate limit
    off, imports ./module/PureCloudLicense.psd1, and measures in this one session:

      1. the licenses of 2,000 given users      GET /license/users/{id} per user  vs  $ids | Get-PCLicenseUser
      2. every user of a 20,000-user org        paged GET, pageSize 25 (SDK default)  vs  Get-PCLicenseUser
      3. 2,000 changes (add communicate)        one POST /license/organization per user  vs  Set-PCLicenseAssignment
      4. 400 changes under 100 requests / 10 s  the loop without retry  vs  Set-PCLicenseAssignment -BatchSize 1
      5. memory of a 50,000-user stream         fresh child pwsh: import + connect  vs  Get-PCLicenseUser | Measure-Object
                                                (also: kept in a variable; a consumer that pauses 3 s on the first user)

    Scenarios 1-3: median of -Runs runs (baseline and module interleaved), or 3 runs when the first pair shows that
    -Runs would take longer than -ScenarioBudgetSeconds. Scenario 4: one run each. Scenario 5: 3 child processes each.
    Request counts are the difference of the emulator's /emulator/stats around each run. The emulator is stopped
    at the end, also on failure. Then the "Module vs. one request per user" section of bench/RESULTS.md is
    replaced (the other sections are kept), unless -NoWrite is given.
#>
#Requires -Version 7.4
[CmdletBinding()]
param(
    [ValidateRange(1, 9)] [int] $Runs = 5,
    [ValidateRange(10, 3600)] [int] $ScenarioBudgetSeconds = 150,
    [ValidateRange(0, 1000)] [int] $LatencyMs = 5,
    [switch] $NoWrite
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'
# Neither side draws progress bars: the bench measures the requests, not the console.
$ProgressPreference = 'SilentlyContinue'

$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).ProviderPath
Import-Module (Join-Path $RepoRoot 'tests/pester/TestHelpers.psm1') -Force
$BuiltManifest = Get-ModuleManifestPath
$Inv = [System.Globalization.CultureInfo]::InvariantCulture

# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------

function Write-Step([string] $Text) { Write-Host ("[{0:HH:mm:ss}] {1}" -f [DateTime]::Now, $Text) }

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    if ($n -eq 0) { return [double]::NaN }
    if ($n % 2 -eq 1) { return $sorted[($n - 1) / 2] }
    ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2
}

function Format-Seconds([double] $Seconds) {
    if ($Seconds -lt 10) { $Seconds.ToString('0.00', $Inv) } else { $Seconds.ToString('0.0', $Inv) }
}

function Format-Number([double] $Value, [string] $Format = 'N0') { $Value.ToString($Format, $Inv) }

function Get-Stats { Get-EmulatorStats $script:Emu }

# Requests between two /emulator/stats snapshots, in total and for the 429s of the rate limiter.
function Get-StatsDiff($Before, $After) {
    [pscustomobject]@{
        Requests  = [long]$After.totalRequests - [long]$Before.totalRequests
        Throttled = [long]$After.throttled - [long]$Before.throttled
    }
}

# CPU ticks: the whole machine's busy time, and this process with its reaped children (the emulator is added apart).
function Get-CpuSnapshot {
    $cpu = (Get-Content -LiteralPath '/proc/stat' -TotalCount 1) -split '\s+'
    # user nice system idle iowait irq softirq steal
    $busy = [long]$cpu[1] + [long]$cpu[2] + [long]$cpu[3] + [long]$cpu[6] + [long]$cpu[7] + [long]$cpu[8]
    [pscustomobject]@{
        At       = [DateTime]::UtcNow
        Busy     = $busy
        Self     = Get-ProcessTicks $PID -WithChildren
        Emulator = if ($script:Emu -and -not $script:Emu.Process.HasExited) { Get-ProcessTicks $script:Emu.Process.Id } else { 0L }
        Load     = ((Get-Content -LiteralPath '/proc/loadavg') -split ' ')[0]
    }
}

function Get-ProcessTicks([int] $Id, [switch] $WithChildren) {
    $text = Get-Content -LiteralPath "/proc/$Id/stat" -Raw -ErrorAction SilentlyContinue
    if (-not $text) { return 0L }
    # Fields after the ')' that closes the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    $fields = $text.Substring($text.LastIndexOf(')') + 2) -split ' '
    $ticks = [long]$fields[11] + [long]$fields[12]
    if ($WithChildren) { $ticks += [long]$fields[13] + [long]$fields[14] }
    $ticks
}

# CPU ticks of every other process (not this one, not its emulator), labelled without paths: for dotnet, the name
# of the .dll it runs (MSBuild.dll, pwsh.dll, testhost.dll...), else the command name.
function Get-OtherProcessSample {
    $mine = @($PID)
    if ($script:Emu) { $mine += $script:Emu.Process.Id }
    $sample = @{}
    foreach ($dir in [System.IO.Directory]::EnumerateDirectories('/proc')) {
        $name = [System.IO.Path]::GetFileName($dir)
        $id = 0
        if (-not [int]::TryParse($name, [ref]$id) -or $mine -contains $id) { continue }
        try {
            $stat = [System.IO.File]::ReadAllText("$dir/stat")
            $fields = $stat.Substring($stat.LastIndexOf(')') + 2) -split ' '
            $ticks = [long]$fields[11] + [long]$fields[12]
            $comm = $stat.Substring($stat.IndexOf('(') + 1, $stat.LastIndexOf(')') - $stat.IndexOf('(') - 1)
            $argv = [System.IO.File]::ReadAllText("$dir/cmdline") -split "`0"
            $dll = $argv | Where-Object { $_ -like '*.dll' } | Select-Object -First 1
            $label = if ($dll) { [System.IO.Path]::GetFileName($dll) } else { $comm }
            $sample[$id] = [pscustomobject]@{ Ticks = $ticks; Label = $label }
        } catch {
            continue   # the process ended meanwhile
        }
    }
    $sample
}

# CPU-seconds per label over consecutive samples (processes seen in two samples in a row).
function Get-OtherProcessUsage($Samples, [long] $TicksPerSecond) {
    $usage = @{}
    for ($i = 1; $i -lt $Samples.Count; $i++) {
        foreach ($id in $Samples[$i].Keys) {
            $before = $Samples[$i - 1][$id]
            if (-not $before -or $before.Label -ne $Samples[$i][$id].Label) { continue }
            $usage[$before.Label] = [double]($usage[$before.Label] ?? 0) + ($Samples[$i][$id].Ticks - $before.Ticks) / $TicksPerSecond
        }
    }
    $usage
}

function Get-TicksPerSecond {
    try { $hz = [long](& getconf CLK_TCK 2>$null) } catch { $hz = 0 }
    if ($hz -gt 0) { $hz } else { 100L }
}

function Invoke-Baseline([string] $Method, [string] $Path, $Body) {
    $request = @{ Uri = "$script:Api$Path"; Method = $Method; Headers = $script:Headers; WebSession = $script:Session }
    if ($null -ne $Body) { $request.Body = $Body; $request.ContentType = 'application/json' }
    Invoke-RestMethod @request
}

# Every user id of the org and the licenses each holds, read with the largest page (set-up and checks, not timed).
function Get-OrgSnapshot {
    $snapshot = [ordered]@{}
    $pages = [int][math]::Ceiling($script:OrgUsers / 500) + 1
    for ($page = 1; $page -le $pages; $page++) {
        $answer = Invoke-Baseline GET "/license/users?pageSize=500&pageNumber=$page"
        foreach ($entity in $answer.entities) { $snapshot[$entity.id] = @($entity.licenses) }
        if ($page -ge $answer.pageCount) { break }
    }
    $snapshot
}

# How many of the given users hold a license, read back in batches of 100 (not timed).
function Get-HolderCount([string[]] $UserIds, [string] $LicenseId) {
    $holders = 0
    for ($i = 0; $i -lt $UserIds.Count; $i += 100) {
        $chunk = $UserIds[$i..([math]::Min($i + 99, $UserIds.Count - 1))]
        $answer = Invoke-Baseline POST '/license/users' (ConvertTo-Json -InputObject @($chunk) -Compress)
        foreach ($p in $answer.PSObject.Properties) {
            if (@($p.Value.licenses | ForEach-Object { $_.id }) -contains $LicenseId) { $holders++ }
        }
    }
    $holders
}

function Reset-Org([int] $Users) {
    $null = Reset-Emulator $script:Emu -Users $Users -Seed 1
    $script:OrgUsers = $Users
}

# One timed run: a scriptblock that returns a small summary object; adds Seconds, Requests, Throttled.
function Measure-Run([scriptblock] $Action) {
    $before = Get-Stats
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $summary = & $Action
    $watch.Stop()
    $diff = Get-StatsDiff $before (Get-Stats)
    [pscustomobject]@{
        Seconds   = $watch.Elapsed.TotalSeconds
        Requests  = $diff.Requests
        Throttled = $diff.Throttled
        Summary   = $summary
    }
}

# Runs baseline and module alternately, -Runs times (3 when the first pair shows -Runs would exceed the budget).
# -BeforeEach and -AfterEach run untimed around every run; -AfterEach returns a check that is kept with the run.
function Invoke-Scenario([string] $Name, [scriptblock] $Baseline, [scriptblock] $Module, [scriptblock] $BeforeEach, [scriptblock] $AfterEach) {
    $results = @{ Baseline = [System.Collections.Generic.List[object]]::new(); Module = [System.Collections.Generic.List[object]]::new() }
    $planned = $script:Runs
    $started = [DateTime]::UtcNow
    for ($run = 1; $run -le $planned; $run++) {
        foreach ($side in 'Baseline', 'Module') {
            if ($BeforeEach) { & $BeforeEach }
            $action = if ($side -eq 'Baseline') { $Baseline } else { $Module }
            $r = Measure-Run $action
            $check = if ($AfterEach) { & $AfterEach } else { $null }
            $r | Add-Member -NotePropertyName Check -NotePropertyValue $check
            $results[$side].Add($r)
            Write-Step ("  {0} run {1}/{2} {3}: {4} s, {5} requests, {6}{7}" -f $Name, $run, $planned, $side.ToLowerInvariant(),
                (Format-Seconds $r.Seconds), $r.Requests, $r.Summary.Note, $(if ($check) { "; check: $($check.Note)" } else { '' }))
        }
        if ($run -eq 1 -and $planned -gt 3) {
            $pair = ([DateTime]::UtcNow - $started).TotalSeconds
            if ($pair * $planned -gt $script:ScenarioBudgetSeconds) {
                Write-Step ("  {0}: one pair took {1} s; {2} runs would exceed {3} s, so 3 runs" -f $Name, (Format-Seconds $pair), $planned, $script:ScenarioBudgetSeconds)
                $planned = 3
            }
        }
    }
    [pscustomobject]@{ Name = $Name; Runs = $planned; Baseline = $results.Baseline; Module = $results.Module }
}

function Get-ScenarioRow($Scenario, [string] $Label) {
    $b = Get-Median ($Scenario.Baseline | ForEach-Object Seconds)
    $m = Get-Median ($Scenario.Module | ForEach-Object Seconds)
    [pscustomobject]@{
        Label       = $Label
        Runs        = $Scenario.Runs
        BaseSeconds = $b
        BaseMin     = ($Scenario.Baseline | Measure-Object Seconds -Minimum).Minimum
        BaseMax     = ($Scenario.Baseline | Measure-Object Seconds -Maximum).Maximum
        BaseReq     = Get-Median ($Scenario.Baseline | ForEach-Object Requests)
        ModSeconds  = $m
        ModMin      = ($Scenario.Module | Measure-Object Seconds -Minimum).Minimum
        ModMax      = ($Scenario.Module | Measure-Object Seconds -Maximum).Maximum
        ModReq      = Get-Median ($Scenario.Module | ForEach-Object Requests)
        Ratio       = $b / $m
        Checks      = @(foreach ($r in @($Scenario.Baseline) + @($Scenario.Module)) { $r.Summary.Ok; if ($r.Check) { $r.Check.Ok } }) -notcontains $false
    }
}

# A fresh 'dotnet pwsh' child that runs $Body after importing the module and connecting; prints one JSON line last.
function Invoke-Child([string] $Body) {
    $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$($script:Manifest -replace "'", "''")'
`$secret = ConvertTo-SecureString '$($script:Emu.ClientSecret)' -AsPlainText -Force
Connect-PCOrganization -Environment '$($script:Emu.Url)' -ClientId '$($script:Emu.ClientId)' -ClientSecret `$secret
`$count = 0
`$note = ''
`$statsUri = '$($script:Emu.Url)/emulator/stats'
`$watch = [System.Diagnostics.Stopwatch]::StartNew()
$Body
`$watch.Stop()
Disconnect-PCOrganization
`$me = [System.Diagnostics.Process]::GetCurrentProcess()
`$hwm = (Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', ''
[pscustomobject]@{ Count = `$count; Note = `$note; Seconds = `$watch.Elapsed.TotalSeconds; PeakWorkingSet = `$me.PeakWorkingSet64; VmHwmKb = [long]`$hwm } | ConvertTo-Json -Compress
"@
    $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($script))
    $info = [System.Diagnostics.ProcessStartInfo]::new((Get-DotnetForChild))
    foreach ($a in 'pwsh', '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded) { $info.ArgumentList.Add($a) }
    $info.WorkingDirectory = $script:RepoRoot          # where the tool manifest that provides 'dotnet pwsh' lives
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $child = [System.Diagnostics.Process]::Start($info)
    try {
        $stdout = $child.StandardOutput.ReadToEndAsync()
        $stderr = $child.StandardError.ReadToEndAsync()
        if (-not $child.WaitForExit(180000)) {
            $child.Kill($true)
            throw 'The child pwsh did not finish within 180 s.'
        }
        $child.WaitForExit()
        $lines = @($stdout.Result -split "`r?`n" | Where-Object { $_ -like '{*' })
        if ($child.ExitCode -ne 0 -or $lines.Count -eq 0) {
            throw "The child pwsh failed (exit code $($child.ExitCode)): $($stderr.Result) $($stdout.Result)"
        }
        $lines[-1] | ConvertFrom-Json
    } finally {
        $child.Dispose()
    }
}

function Get-DotnetForChild {
    $command = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    'dotnet'
}

# Replaces (or appends) one '## ' section of bench/RESULTS.md, keeping every other section as it is.
function Write-ResultsSection([string] $Section) {
    $path = Join-Path $script:RepoRoot 'bench/RESULTS.md'
    $heading = '## Module vs. one request per user'
    $existing = if (Test-Path -LiteralPath $path) { [System.IO.File]::ReadAllText($path) -replace "`r`n", "`n" } else { "# Benchmark results`n" }
    $start = $existing.IndexOf("$heading`n", [StringComparison]::Ordinal)
    if ($start -lt 0) {
        $updated = $existing.TrimEnd() + "`n`n" + $Section
    } else {
        $next = $existing.IndexOf("`n## ", $start + $heading.Length, [StringComparison]::Ordinal)
        $updated = $existing.Substring(0, $start) + $Section + $(if ($next -lt 0) { '' } else { "`n" + $existing.Substring($next + 1) })
    }
    [System.IO.File]::WriteAllText($path, $updated.TrimEnd() + "`n")
    Write-Step 'Wrote the "Module vs. one request per user" section of bench/RESULTS.md.'
}

# ---------------------------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------------------------

$script:Emu = $null
$script:Runs = $Runs
$script:ScenarioBudgetSeconds = $ScenarioBudgetSeconds
$script:RepoRoot = $RepoRoot
# A private copy of ./module for this run: other builds may replace ./module meanwhile, and the child processes of
# scenario 5 must load the same module as this session.
$moduleDll = Get-Item -LiteralPath (Join-Path (Split-Path $BuiltManifest) 'PureCloudLicense.dll')
$moduleBuilt = $moduleDll.LastWriteTimeUtc
$moduleHash = (Get-FileHash -LiteralPath $moduleDll.FullName -Algorithm SHA256).Hash.Substring(0, 12).ToLowerInvariant()
$moduleCopy = Join-Path ([System.IO.Path]::GetTempPath()) ("pcl-bench-module-" + [guid]::NewGuid().ToString('N').Substring(0, 12))
Copy-Item -LiteralPath (Split-Path $BuiltManifest) -Destination $moduleCopy -Recurse
$Manifest = Join-Path $moduleCopy 'PureCloudLicense.psd1'
$moduleVersion = (Import-PowerShellDataFile $Manifest).ModuleVersion
$script:Manifest = $Manifest
$ticksPerSecond = Get-TicksPerSecond
$cpuStart = $null
$cpuEnd = $null
$samples = [System.Collections.Generic.List[object]]::new()
$benchStarted = [DateTime]::UtcNow

try {
    Write-Step "Starting the emulator (20,000 users, --latency-ms $LatencyMs, --rate-limit 0, loopback)"
    $script:Emu = Start-TestEmulator -Users 20000 -RateLimit 0 -ExtraArguments @('--latency-ms', "$LatencyMs")
    $script:OrgUsers = 20000
    $script:Api = "$($script:Emu.Url)/api/v2"
    Write-Step "Emulator at $($script:Emu.Url) (pid $($script:Emu.Process.Id))"
    $cpuStart = Get-CpuSnapshot
    $samples.Add((Get-OtherProcessSample))

    # The baseline's session: one token from POST /oauth/token, one WebSession so that connections are kept alive
    # (as the SDKs' HTTP clients do). Without -WebSession, Invoke-RestMethod would open a connection per call.
    $script:Session = [Microsoft.PowerShell.Commands.WebRequestSession]::new()
    $script:Headers = @{ Authorization = "Bearer $(Get-EmulatorToken $script:Emu)" }

    Import-Module $Manifest
    Connect-PCOrganization -Environment $script:Emu.Url -ClientId $script:Emu.ClientId -ClientSecret (New-TestSecret $script:Emu.ClientSecret)

    $org = Get-OrgSnapshot
    $allIds = [string[]]@($org.Keys)
    if ($allIds.Count -ne 20000) { throw "Expected 20,000 users in the org, read $($allIds.Count)." }
    # Scenario 1: every 10th user of the org. Scenarios 3 and 4: users who do not hold communicate yet.
    $readIds = [string[]]@(for ($i = 0; $i -lt 20000; $i += 10) { $allIds[$i] })
    $noCommunicate = [string[]]@($allIds | Where-Object { $org[$_] -notcontains 'communicate' })
    $changeIds = [string[]]$noCommunicate[0..1999]
    $limitedIds = [string[]]$noCommunicate[2000..2399]
    $expected = @{}
    foreach ($id in $readIds) { $expected[$id] = (@($org[$id] | Sort-Object) -join ',') }

    # Warm-up (untimed): the JIT of both paths, with small inputs; then a reset to the seeded state.
    Write-Step 'Warm-up'
    foreach ($id in $readIds[0..19]) { $null = Invoke-Baseline GET "/license/users/$id" }
    $null = $readIds[0..199] | Get-PCLicenseUser
    $null = Invoke-Baseline GET '/license/users?pageSize=25&pageNumber=1'
    foreach ($id in $changeIds[0..9]) {
        $null = Invoke-Baseline POST '/license/organization' (@{ assignments = @(@{ licenseId = 'communicate'; userIdsAdd = @($id); userIdsRemove = @() }) } | ConvertTo-Json -Depth 5 -Compress)
    }
    $null = $changeIds[10..209] | Set-PCLicenseAssignment -AddLicenseId communicate
    Reset-Org 20000

    # --- 1. Read the licenses of 2,000 given users -------------------------------------------------------------
    Write-Step 'Scenario 1: the licenses of 2,000 given users'
    $s1 = Invoke-Scenario 'read 2,000' -Baseline {
        $seen = @{}
        foreach ($id in $readIds) {
            $user = Invoke-Baseline GET "/license/users/$id"
            $seen[$user.id] = (@($user.licenses | ForEach-Object { $_.id } | Sort-Object) -join ',')
        }
        $bad = @($readIds | Where-Object { $seen[$_] -ne $expected[$_] }).Count
        [pscustomobject]@{ Ok = ($seen.Count -eq 2000 -and $bad -eq 0); Note = "$($seen.Count) users, $bad differ" }
    } -Module {
        $errs = $null
        $users = @($readIds | Get-PCLicenseUser -ErrorAction SilentlyContinue -ErrorVariable errs)
        $bad = @($users | Where-Object { (@($_.LicenseIds | Sort-Object) -join ',') -ne $expected[$_.UserId] }).Count
        [pscustomobject]@{ Ok = ($users.Count -eq 2000 -and $bad -eq 0 -and @($errs).Count -eq 0); Note = "$($users.Count) users, $bad differ, $(@($errs).Count) errors" }
    }

    $samples.Add((Get-OtherProcessSample))
    # --- 2. Read every user of a 20,000-user org ----------------------------------------------------------------
    Write-Step 'Scenario 2: every user of a 20,000-user org'
    $s2 = Invoke-Scenario 'read all 20,000' -Baseline {
        $users = [System.Collections.Generic.List[object]]::new()
        $maxPages = [int][math]::Ceiling(20000 / 25) + 1        # bounded, even if pageCount were wrong
        for ($page = 1; $page -le $maxPages; $page++) {
            $answer = Invoke-Baseline GET "/license/users?pageSize=25&pageNumber=$page"
            foreach ($entity in $answer.entities) { $users.Add($entity) }
            if ($page -ge $answer.pageCount -or @($answer.entities).Count -eq 0) { break }
        }
        $distinct = @($users | ForEach-Object id | Sort-Object -Unique).Count
        [pscustomobject]@{ Ok = ($users.Count -eq 20000 -and $distinct -eq 20000); Note = "$($users.Count) users" }
    } -Module {
        $errs = $null
        $users = @(Get-PCLicenseUser -ErrorAction SilentlyContinue -ErrorVariable errs)
        $distinct = @($users | ForEach-Object UserId | Sort-Object -Unique).Count
        [pscustomobject]@{ Ok = ($users.Count -eq 20000 -and $distinct -eq 20000 -and @($errs).Count -eq 0); Note = "$($users.Count) users, $(@($errs).Count) errors" }
    }

    $samples.Add((Get-OtherProcessSample))
    # --- 3. Apply 2,000 license changes -------------------------------------------------------------------------
    Write-Step 'Scenario 3: add communicate to 2,000 users (reset before each run)'
    $s3 = Invoke-Scenario 'change 2,000' -BeforeEach {
        Reset-Org 20000
        $held = Get-HolderCount $changeIds 'communicate'
        if ($held -ne 0) { throw "After reset, $held of the 2,000 users already hold communicate." }
    } -Baseline {
        $ok = 0
        foreach ($id in $changeIds) {
            $body = @{ assignments = @(@{ licenseId = 'communicate'; userIdsAdd = @($id); userIdsRemove = @() }) } | ConvertTo-Json -Depth 5 -Compress
            $answer = Invoke-Baseline POST '/license/organization' $body
            if (@($answer | Where-Object result -eq 'Success').Count -eq 1) { $ok++ }
        }
        [pscustomobject]@{ Ok = $ok -eq 2000; Succeeded = $ok; Note = "$ok Success" }
    } -Module {
        $errs = $null
        $results = @($changeIds | Set-PCLicenseAssignment -AddLicenseId communicate -ErrorAction SilentlyContinue -ErrorVariable errs)
        $ok = @($results | Where-Object Succeeded).Count
        [pscustomobject]@{ Ok = ($ok -eq 2000 -and @($errs).Count -eq 0); Succeeded = $ok; Note = "$ok succeeded, $(@($errs).Count) errors" }
    } -AfterEach {
        # Read back from the emulator, outside the timing: do all 2,000 hold communicate now?
        $held = Get-HolderCount $changeIds 'communicate'
        [pscustomobject]@{ Ok = $held -eq 2000; Held = $held; Note = "$held of 2,000 hold communicate" }
    }

    $samples.Add((Get-OtherProcessSample))
    # --- 4. 400 single-user changes under a rate limit of 100 per 10 s -----------------------------------------
    Write-Step 'Scenario 4: 400 changes under rateLimit 100 per 10 s, latency 0 (one run each)'
    $limitFaults = @{ rateLimit = 100; rateWindowSeconds = 10; latencyMs = 0 }
    $s4 = @{}
    foreach ($side in 'Baseline', 'Module') {
        Reset-Org 20000
        $held = Get-HolderCount $limitedIds 'communicate'
        if ($held -ne 0) { throw "After reset, $held of the 400 users already hold communicate." }
        Reset-Org 20000                                          # the same seeded data; restarts every token's window
        $null = Set-EmulatorFaults $script:Emu $limitFaults
        if ($side -eq 'Baseline') {
            $r = Measure-Run {
                # Like the JavaScript SDK: no retry, so a 429 is a change lost.
                $ok = 0; $lost429 = 0; $otherErrors = 0
                foreach ($id in $limitedIds) {
                    $body = @{ assignments = @(@{ licenseId = 'communicate'; userIdsAdd = @($id); userIdsRemove = @() }) } | ConvertTo-Json -Depth 5 -Compress
                    try {
                        $answer = Invoke-Baseline POST '/license/organization' $body
                        if (@($answer | Where-Object result -eq 'Success').Count -eq 1) { $ok++ } else { $otherErrors++ }
                    } catch {
                        $status = if ($_.Exception.PSObject.Properties['Response'] -and $_.Exception.Response) { [int]$_.Exception.Response.StatusCode } else { 0 }
                        if ($status -eq 429) { $lost429++ } else { $otherErrors++ }
                    }
                }
                [pscustomobject]@{ Succeeded = $ok; Lost429 = $lost429; OtherErrors = $otherErrors; Note = "$ok Success, $lost429 lost to 429, $otherErrors other errors" }
            }
        } else {
            $r = Measure-Run {
                $errs = $null
                $results = @($limitedIds | Set-PCLicenseAssignment -AddLicenseId communicate -BatchSize 1 -ErrorAction SilentlyContinue -ErrorVariable errs)
                $ok = @($results | Where-Object Succeeded).Count
                [pscustomobject]@{ Succeeded = $ok; Lost429 = 0; OtherErrors = @($errs).Count; Note = "$ok succeeded, $(@($errs).Count) errors" }
            }
        }
        # Read back with the limit off, so that the check itself cannot be throttled.
        $null = Set-EmulatorFaults $script:Emu @{ rateLimit = 0 }
        $held = Get-HolderCount $limitedIds 'communicate'
        $r | Add-Member -NotePropertyName Held -NotePropertyValue $held
        $s4[$side] = $r
        Write-Step ("  {0}: {1} s, {2} requests, {3} throttled (429), {4}; {5} of 400 hold communicate afterwards" -f
            $side.ToLowerInvariant(), (Format-Seconds $r.Seconds), $r.Requests, $r.Throttled, $r.Summary.Note, $held)
    }

    $samples.Add((Get-OtherProcessSample))
    # --- 5. Memory: a 50,000-user org read as a stream in a fresh child process ------------------------------------
    Write-Step 'Scenario 5: peak working set of a fresh child pwsh, 50,000-user org (3 children of each kind)'
    Reset-Org 50000
    $children = [ordered]@{
        'import + connect only'                      = ''
        'Get-PCLicenseUser | Measure-Object'         = '$count = (Get-PCLicenseUser | Measure-Object).Count'
        '$all = Get-PCLicenseUser (kept in memory)'  = '$all = Get-PCLicenseUser; $count = $all.Count'
        # A consumer slower than the reader: does the reader wait for it, or queue what it has read?
        'Get-PCLicenseUser | ForEach-Object { <3 s pause on the first user> }' = @'
$pagesBefore = 0; $pagesDuring = 0
$route = 'GET /api/v2/license/users'
$pagesBefore = [long](Invoke-RestMethod $statsUri).routes.$route.'200'
Get-PCLicenseUser | ForEach-Object {
    if ($count++ -eq 0) {
        Start-Sleep -Seconds 3
        $pagesDuring = [long](Invoke-RestMethod $statsUri).routes.$route.'200' - $pagesBefore
    }
}
$note = "$pagesDuring"
'@
    }
    $s5 = [ordered]@{}
    foreach ($label in $children.Keys) { $s5[$label] = [System.Collections.Generic.List[object]]::new() }
    for ($run = 1; $run -le 3; $run++) {
        foreach ($label in $children.Keys) {
            $before = Get-Stats
            $r = Invoke-Child $children[$label]
            $diff = Get-StatsDiff $before (Get-Stats)
            $r | Add-Member -NotePropertyName Requests -NotePropertyValue $diff.Requests
            $s5[$label].Add($r)
            Write-Step ("  {0} run {1}/3: {2} users in {3} s, peak working set {4} MB (VmHWM {5} MB), {6} requests{7}" -f $label, $run, $r.Count,
                (Format-Seconds $r.Seconds), (Format-Number ($r.PeakWorkingSet / 1MB) 'N1'), (Format-Number ($r.VmHwmKb / 1KB) 'N1'), $r.Requests,
                $(if ($r.Note) { ", $($r.Note) pages read during the pause" } else { '' }))
        }
    }

    $cpuEnd = Get-CpuSnapshot
    $samples.Add((Get-OtherProcessSample))
}
finally {
    if ($script:Emu) {
        Stop-TestEmulator $script:Emu
        Write-Step 'Emulator stopped'
    }
    # The copied module stays loaded in this process until it exits; removing its files does not affect it.
    Remove-Item -LiteralPath $moduleCopy -Recurse -Force -ErrorAction SilentlyContinue
    if (Get-Module PureCloudLicense) { Disconnect-PCOrganization }
}

# ---------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------

$rows = @(
    Get-ScenarioRow $s1 '1. licenses of 2,000 given users'
    Get-ScenarioRow $s2 '2. every user of a 20,000-user org'
    Get-ScenarioRow $s3 '3. add communicate to 2,000 users'
)
$failedChecks = @($rows | Where-Object { -not $_.Checks })
$s5Ok = @($s5.Keys | Where-Object { $_ -ne 'import + connect only' } | ForEach-Object { $s5[$_] } | Where-Object Count -ne 50000).Count -eq 0
$s4Ok = $s4.Module.Held -eq 400 -and $s4.Module.Summary.OtherErrors -eq 0 -and $s4.Baseline.Held -eq $s4.Baseline.Summary.Succeeded

$wall = ($cpuEnd.At - $cpuStart.At).TotalSeconds
$othersCoreSeconds = (($cpuEnd.Busy - $cpuStart.Busy) - ($cpuEnd.Self - $cpuStart.Self) - ($cpuEnd.Emulator - $cpuStart.Emulator)) / $ticksPerSecond
$othersCoreSeconds = [math]::Max(0, $othersCoreSeconds)
$osName = if (Test-Path -LiteralPath '/etc/os-release') {
    ((Get-Content -LiteralPath '/etc/os-release' | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace '^PRETTY_NAME=', '').Trim('"')
} else { [System.Runtime.InteropServices.RuntimeInformation]::OSDescription }
$dotnet = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription -replace '^\.NET ', ''
$commit = try { (& git -C $RepoRoot rev-parse --short HEAD 2>$null) } catch { $null }
$dirty = try { @(& git -C $RepoRoot status --porcelain -- src PureCloudLicense.psd1 2>$null).Count -gt 0 } catch { $false }

$sb = [System.Text.StringBuilder]::new()
$null = $sb.AppendLine('## Module vs. one request per user')
$null = $sb.AppendLine()
$null = $sb.AppendLine(("Date: {0:yyyy-MM-dd}. Machine: {1} cores, {2}, .NET {3}, PowerShell {4}. Module {5} as built in ./module at {6:HH:mm} UTC (PureCloudLicense.dll SHA-256 {7}...), copied aside for the run{8}." -f [DateTime]::Now, [Environment]::ProcessorCount, $osName, $dotnet, $PSVersionTable.PSVersion, $moduleVersion, $moduleBuilt, $moduleHash,
    $(if ($commit) { "; repository HEAD $commit$(if ($dirty) { ', with uncommitted changes under src/ at the end of the run' } else { ', no uncommitted changes under src/ at the end of the run' })" } else { '' })))
$null = $sb.AppendLine()
$null = $sb.AppendLine('Command: `dotnet pwsh -NoProfile -NonInteractive -File bench/ModuleThroughput.bench.ps1` from the repository root, after `dotnet pwsh ./build.ps1 -Task Build` (`dotnet pwsh ./build.ps1 -Task Bench` runs it too, after the C# benchmark).')
$null = $sb.AppendLine()
$null = $sb.AppendLine(("Load: the whole run took {0} s of wall time; processes other than this benchmark, its emulator and its child processes used {1} CPU-seconds meanwhile (on average {2} of the {3} cores); 1-minute load average {4} at the start, {5} at the end." -f
    (Format-Number $wall 'N0'), (Format-Number $othersCoreSeconds 'N0'), (Format-Number ($othersCoreSeconds / [math]::Max(1, $wall)) 'N2'), [Environment]::ProcessorCount, $cpuStart.Load, $cpuEnd.Load))
$usage = Get-OtherProcessUsage $samples $ticksPerSecond
$top = @($usage.GetEnumerator() | Where-Object Value -ge 1 | Sort-Object Value -Descending | Select-Object -First 6 |
    ForEach-Object { '{0} {1}' -f $_.Key, (Format-Number $_.Value 'N0') })
$null = $sb.AppendLine(("Other processes seen using CPU (CPU-seconds, sampled between scenarios): {0}." -f $(if ($top.Count -gt 0) { $top -join ', ' } else { 'none above 1 s' })))
$null = $sb.AppendLine()
$null = $sb.AppendLine(("Set-up: the emulator runs as its own process on 127.0.0.1 (Release DLL, seed 1), with ``--latency-ms {0}`` as a stand-in for the network round trip to the service (the real one is usually longer) and the rate limit off, except in scenario 4. The baseline is what the official SDKs do: one request per user, in a loop, no batching, no pacing, no retry; it is written with Invoke-RestMethod, one token from POST /oauth/token, and one WebSession so that connections are kept alive as the SDKs' HTTP clients do. The module is imported and connected once; only the operation is timed, in the same pwsh session, without progress bars on either side. Requests are the difference of ``/emulator/stats`` around each run. Both sides are warmed up first with small inputs. Every run is checked: the users read match the emulator's data, and after scenario 3 all 2,000 users hold ``communicate``, read back from the emulator." -f $LatencyMs))
$null = $sb.AppendLine()
$null = $sb.AppendLine('| scenario | runs | baseline: median s (min-max) | baseline requests | module: median s (min-max) | module requests | ratio baseline/module | checks |')
$null = $sb.AppendLine('|---|---:|---:|---:|---:|---:|---:|---|')
$cmd = @{
    1 = @('`GET /license/users/{id}` per user', '`$ids \| Get-PCLicenseUser`')
    2 = @('paged `GET /license/users`, pageSize 25', '`Get-PCLicenseUser`')
    3 = @('`POST /license/organization` per user', '`$ids \| Set-PCLicenseAssignment -AddLicenseId communicate`')
}
$n = 0
foreach ($row in $rows) {
    $n++
    $null = $sb.AppendLine(("| {0} (baseline: {1}; module: {2}) | {3} | {4} ({5}-{6}) | {7} | {8} ({9}-{10}) | {11} | {12} | {13} |" -f $row.Label, $cmd[$n][0], $cmd[$n][1], $row.Runs,
        (Format-Seconds $row.BaseSeconds), (Format-Seconds $row.BaseMin), (Format-Seconds $row.BaseMax), (Format-Number $row.BaseReq),
        (Format-Seconds $row.ModSeconds), (Format-Seconds $row.ModMin), (Format-Seconds $row.ModMax), (Format-Number $row.ModReq),
        (Format-Number $row.Ratio 'N1'), $(if ($row.Checks) { 'passed' } else { 'FAILED' })))
}
$null = $sb.AppendLine()
$null = $sb.AppendLine(("Scenario 4: 400 single-user changes (add ``communicate``) under ``rateLimit`` 100 per ``rateWindowSeconds`` 10, latency 0, one run each (the module's run has to wait for the window to reset three times). Lost = the user does not hold ``communicate`` afterwards, read back from the emulator with the limit off."))
$null = $sb.AppendLine()
$null = $sb.AppendLine('| 4. 400 changes under 100 requests / 10 s | wall s | requests | 429s drawn (stats `throttled`) | changes lost | users holding `communicate` afterwards |')
$null = $sb.AppendLine('|---|---:|---:|---:|---:|---:|')
$lostNote = if ($s4.Baseline.Summary.OtherErrors -eq 0) { 'all to 429' } else { "$($s4.Baseline.Summary.Lost429) to 429, $($s4.Baseline.Summary.OtherErrors) to other errors" }
$null = $sb.AppendLine(("| baseline: ``POST /license/organization`` per user, no retry (like the JavaScript SDK) | {0} | {1} | {2} | {3} ({4}) | {5} |" -f
    (Format-Seconds $s4.Baseline.Seconds), $s4.Baseline.Requests, $s4.Baseline.Throttled, (400 - $s4.Baseline.Held), $lostNote, $s4.Baseline.Held))
$null = $sb.AppendLine(("| module: ``Set-PCLicenseAssignment -AddLicenseId communicate -BatchSize 1`` | {0} | {1} | {2} | {3} | {4} |" -f
    (Format-Seconds $s4.Module.Seconds), $s4.Module.Requests, $s4.Module.Throttled, (400 - $s4.Module.Held), $s4.Module.Held))
$null = $sb.AppendLine()
$null = $sb.AppendLine('Scenario 5: memory for an org of 50,000 users. Each row is a fresh `dotnet pwsh -NoProfile -NonInteractive` child that imports the module and connects to the emulator (same latency), then runs the command; it prints its own `PeakWorkingSet64` (on Linux, VmHWM of /proc/self/status) at the end. Median of 3 children each; time is the command alone, without start-up (the last row includes its 3 s pause).')
$null = $sb.AppendLine()
$null = $sb.AppendLine('| 5. child process | users | time s | peak working set MB (min-max) | above import + connect MB | requests | pages read while the consumer paused |')
$null = $sb.AppendLine('|---|---:|---:|---:|---:|---:|---:|')
$basePeak = Get-Median ($s5['import + connect only'] | ForEach-Object PeakWorkingSet)
foreach ($label in $s5.Keys) {
    $peaks = @($s5[$label] | ForEach-Object PeakWorkingSet)
    $peak = Get-Median $peaks
    $paused = @($s5[$label] | Where-Object { $_.Note -ne '' } | ForEach-Object { [double]$_.Note })
    $null = $sb.AppendLine(("| ``{0}`` | {1} | {2} | {3} ({4}-{5}) | {6} | {7} | {8} |" -f ($label -replace '\|', '\|'), (Format-Number (Get-Median ($s5[$label] | ForEach-Object Count))),
        $(if ($label -eq 'import + connect only') { '-' } else { Format-Seconds (Get-Median ($s5[$label] | ForEach-Object Seconds)) }),
        (Format-Number ($peak / 1MB) 'N0'), (Format-Number (($peaks | Measure-Object -Minimum).Minimum / 1MB) 'N0'), (Format-Number (($peaks | Measure-Object -Maximum).Maximum / 1MB) 'N0'),
        $(if ($label -eq 'import + connect only') { '-' } else { '+' + (Format-Number (($peak - $basePeak) / 1MB) 'N0') }),
        (Format-Number (Get-Median ($s5[$label] | ForEach-Object Requests))),
        $(if ($paused.Count -gt 0) { '{0} of {1}' -f (Format-Number (Get-Median $paused)), (Format-Number ([math]::Ceiling(50000 / 500))) } else { '-' })))
}
$null = $sb.AppendLine()

# The reading: every number in it comes from this run.
$r1 = $rows[0]; $r2 = $rows[1]; $r3 = $rows[2]
$perRequestMs = 1000 * $r1.BaseSeconds / [math]::Max(1, $r1.BaseReq)
$streamPeak = Get-Median ($s5['Get-PCLicenseUser | Measure-Object'] | ForEach-Object PeakWorkingSet)
$keptPeak = Get-Median ($s5['$all = Get-PCLicenseUser (kept in memory)'] | ForEach-Object PeakWorkingSet)
$pausedLabel = 'Get-PCLicenseUser | ForEach-Object { <3 s pause on the first user> }'
$pausedPages = Get-Median ($s5[$pausedLabel] | ForEach-Object { [double]$_.Note })
$pausedPeak = Get-Median ($s5[$pausedLabel] | ForEach-Object PeakWorkingSet)
$windowsWaited = [math]::Ceiling(($s4.Module.Requests - $s4.Module.Throttled) / 100) - 1
$reading = @(
    ("Reading: with a {0} ms round trip, the baseline pays one round trip per user, about {1} ms per request here ({0} ms of emulated latency plus Invoke-RestMethod's own cost), and nothing else can make it faster. The module sends {11} times fewer requests, up to 4 at a time: reading 2,000 given users took {2} s instead of {3} s ({4}x), and adding a license to 2,000 users {5} s instead of {6} s ({7}x). Reading a whole 20,000-user org gains less, {8}x ({9} s instead of {10} s), because the SDK's paged loop already gets 25 users per request and the module's pages of 500 cut the requests by {12}, not {11}. With a real network's longer round trip, the baseline's time grows with it request by request, so these ratios are a floor as long as the service itself keeps up." -f
        $LatencyMs, (Format-Number $perRequestMs 'N1'), (Format-Seconds $r1.ModSeconds), (Format-Seconds $r1.BaseSeconds), (Format-Number $r1.Ratio 'N0'),
        (Format-Seconds $r3.ModSeconds), (Format-Seconds $r3.BaseSeconds), (Format-Number $r3.Ratio 'N0'),
        (Format-Number $r2.Ratio 'N0'), (Format-Seconds $r2.ModSeconds), (Format-Seconds $r2.BaseSeconds),
        (Format-Number ($r1.BaseReq / [math]::Max(1, $r1.ModReq))), (Format-Number ($r2.BaseReq / [math]::Max(1, $r2.ModReq))))
    ("Under the rate limit the baseline is the fast one, {0} s against {1} s, only because it does not finish its work: {2} of its 400 changes were answered 429 and lost, and the script has no record of which to send again. The module lost {5} changes; it sent {3} requests, of which {4} drew a 429 (then retried), and its time is what the limit allows: {7} answered requests at 100 per 10 s need {6} waits for the window to reset." -f
        (Format-Seconds $s4.Baseline.Seconds), (Format-Seconds $s4.Module.Seconds), (400 - $s4.Baseline.Held), $s4.Module.Requests, $s4.Module.Throttled, (400 - $s4.Module.Held), $windowsWaited, ($s4.Module.Requests - $s4.Module.Throttled))
    ("Memory: streaming 50,000 users into Measure-Object raised the child's peak working set by {0} MB over import and connect ({1} MB against {2} MB); keeping them all in a variable, by {3} MB. Peaks vary by about {4} MB between identical children, since the GC collects when it chooses, so only differences well above that mean anything. A slow consumer does not change that: when it paused 3 s on the first user, the module had read only {5} of the 100 pages meanwhile (median), because its output queue holds at most 2,000 users and a full queue holds the reads back; the child peaked at {6} MB." -f
        (Format-Number (($streamPeak - $basePeak) / 1MB) 'N0'), (Format-Number ($streamPeak / 1MB) 'N0'), (Format-Number ($basePeak / 1MB) 'N0'), (Format-Number (($keptPeak - $basePeak) / 1MB) 'N0'),
        (Format-Number ((@($s5.Values | ForEach-Object { $p = @($_ | ForEach-Object PeakWorkingSet); (($p | Measure-Object -Maximum).Maximum - ($p | Measure-Object -Minimum).Minimum) }) | Measure-Object -Maximum).Maximum / 1MB) 'N0'),
        (Format-Number $pausedPages), (Format-Number ($pausedPeak / 1MB) 'N0'))
) -join ' '
$null = $sb.AppendLine($reading)
$null = $sb.AppendLine()
$section = $sb.ToString()

Write-Host ''
Write-Host $section
if ($failedChecks.Count -gt 0 -or -not $s4Ok -or -not $s5Ok) {
    Write-Warning "Some checks failed: $(@($failedChecks | ForEach-Object Label) -join ', ')$(if (-not $s4Ok) { ' scenario 4' })$(if (-not $s5Ok) { ' scenario 5 (not 50,000 users)' })"
}
if (-not $NoWrite) { Write-ResultsSection $section }
if ($failedChecks.Count -gt 0 -or -not $s4Ok -or -not $s5Ok) { exit 3 }
