<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks PureCloudLicense.
.DESCRIPTION
    Run from a fresh clone as: dotnet tool restore && dotnet pwsh ./build.ps1 -Task <name>
      Build  (default) every project in Release, and the importable module in ./module
      Test   Build, then every xunit project and every Pester suite (each in a fresh pwsh); prints
             'N passed, N failed' and exits non-zero on any failure or when no test ran
      Demo   Build, start the emulator, run a real session with the cmdlets against it, stop it
      Bench  Build, run the benchmarks under bench/ (they write bench/RESULTS.md)
      Package Build, then zip ./module as artifacts/PureCloudLicense-<version>.zip, ready to copy into a PSModulePath
      Clean  Remove build output
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$Root = $PSScriptRoot
$ModuleDir = Join-Path $Root 'module'
$ArtifactsDir = Join-Path $Root 'artifacts'
$Solution = Join-Path $Root 'PureCloudLicense.slnx'
$ModuleProject = Join-Path $Root 'src/PureCloudLicense/PureCloudLicense.csproj'
$EmulatorDll = Join-Path $Root "src/PureCloudLicense.Emulator/bin/$Configuration/net10.0/PureCloudLicense.Emulator.dll"

function Invoke-Native {
    # Runs a native command and stops the build when it fails.
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Build {
    Write-Host "== Build ($Configuration)"
    Invoke-Native dotnet @('build', $Solution, '-c', $Configuration, '-nologo', '-clp:ErrorsOnly;Summary')
    Build-Module
}

function Build-Module {
    # The importable module: the DLL, the dependency DLLs Windows PowerShell 5.1 needs (pwsh 7 uses its own
    # copies), the format file, the help, and the manifest — the one source of truth for version and exports.
    $publish = Join-Path $ArtifactsDir 'module-publish'
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    Invoke-Native dotnet @('publish', $ModuleProject, '-c', $Configuration, '-o', $publish, '--no-build', '-nologo', '-v:q')

    Get-ChildItem $ModuleDir -Exclude 'README.md' -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    New-Item -ItemType Directory -Force -Path $ModuleDir | Out-Null
    Get-ChildItem $publish -Filter '*.dll' | Copy-Item -Destination $ModuleDir
    Copy-Item (Join-Path $publish 'PureCloudLicense.Format.ps1xml') $ModuleDir
    Copy-Item (Join-Path $Root 'PureCloudLicense.psd1') $ModuleDir
    $helpScript = Join-Path $Root 'src/PureCloudLicense/New-CmdletHelp.ps1'
    if (Test-Path $helpScript) {
        & $helpScript -AssemblyPath (Join-Path $ModuleDir 'PureCloudLicense.dll') `
            -DocumentationPath (Join-Path $publish 'PureCloudLicense.xml') `
            -OutputPath (Join-Path $ModuleDir 'PureCloudLicense.dll-Help.xml')
    }
    Write-Host "Module assembled in $(Resolve-Path -Relative $ModuleDir)"
}

function Get-PesterManifest {
    $project = Join-Path $Root 'tests/pester/PesterPackage.proj'
    Invoke-Native dotnet @('restore', $project, '-nologo', '-v:q')
    $packageRoot = (& dotnet msbuild $project -getProperty:NuGetPackageRoot).Trim()
    $manifest = Join-Path $packageRoot 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $manifest)) { throw "Pester 5.7.1 was not restored: $manifest is missing." }
    return $manifest
}

function Read-TrxCounts([string] $Path) {
    [xml] $trx = Get-Content -LiteralPath $Path -Raw
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted }
}

function Invoke-Test {
    Invoke-Build
    $results = Join-Path $ArtifactsDir 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $suites = [System.Collections.Generic.List[object]]::new()

    foreach ($project in Get-ChildItem (Join-Path $Root 'tests') -Filter '*.csproj' -Recurse | Sort-Object FullName) {
        $name = $project.BaseName
        Write-Host "== xunit: $name"
        $trx = Join-Path $results "$name.trx"
        & dotnet test $project.FullName -c $Configuration --no-build --nologo `
            --logger "trx;LogFileName=$trx" --logger 'console;verbosity=normal' --results-directory $results
        $exit = $LASTEXITCODE
        if (Test-Path $trx) {
            $counts = Read-TrxCounts $trx
            if ($exit -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
        } else {
            $counts = [pscustomobject]@{ Passed = 0; Failed = 1 }
        }
        $suites.Add([pscustomobject]@{ Suite = $name; Passed = $counts.Passed; Failed = $counts.Failed })
    }

    $pester = Get-PesterManifest
    $runner = Join-Path $Root 'tests/pester/Invoke-PesterSuite.ps1'
    foreach ($file in Get-ChildItem (Join-Path $Root 'tests/pester') -Filter '*.Tests.ps1' | Sort-Object Name) {
        Write-Host "== Pester: $($file.Name)"
        $json = Join-Path $results "$($file.BaseName).json"
        # A fresh pwsh per suite: a loaded binary module cannot be unloaded.
        & dotnet pwsh -NoProfile -NonInteractive -File $runner -Path $file.FullName -PesterManifest $pester -ResultPath $json
        if (Test-Path $json) {
            $r = Get-Content $json -Raw | ConvertFrom-Json
            $failed = $r.Failed + $r.FailedBlocks + $r.FailedContainers
            if ($LASTEXITCODE -ne 0 -and $failed -eq 0) { $failed = 1 }
            $suites.Add([pscustomobject]@{ Suite = $file.Name; Passed = $r.Passed; Failed = $failed })
        } else {
            $suites.Add([pscustomobject]@{ Suite = $file.Name; Passed = 0; Failed = 1 })
        }
    }

    $suites | Format-Table -AutoSize | Out-String | Write-Host
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Start-Emulator([string[]] $Arguments = @()) {
    $log = Join-Path $ArtifactsDir "emulator-$PID.log"
    New-Item -ItemType Directory -Force -Path $ArtifactsDir | Out-Null
    $process = Start-Process dotnet -ArgumentList (@($EmulatorDll, '--urls', 'http://127.0.0.1:0') + $Arguments) `
        -RedirectStandardOutput $log -PassThru -NoNewWindow
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ([DateTime]::UtcNow -lt $deadline) {
        $line = Get-Content $log -ErrorAction SilentlyContinue | Where-Object { $_ -match 'listening on (http\S+)' } | Select-Object -First 1
        if ($line) { return [pscustomobject]@{ Process = $process; Url = $Matches[1] } }
        if ($process.HasExited) { throw "The emulator exited with code $($process.ExitCode): $(Get-Content $log -Raw)" }
        Start-Sleep -Milliseconds 100
    }
    $process | Stop-Process -Force
    throw 'The emulator did not start within 30 s.'
}

function Invoke-Demo {
    Invoke-Build
    $emulator = Start-Emulator @('--users', '500')
    try {
        Write-Host "== Emulator at $($emulator.Url)"
        $demo = Join-Path $Root 'tests/demo/Demo.ps1'
        Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', $demo, '-Url', $emulator.Url, '-ModulePath', (Join-Path $ModuleDir 'PureCloudLicense.psd1'))
    } finally {
        $emulator.Process | Stop-Process -Force -ErrorAction SilentlyContinue
        Write-Host '== Emulator stopped'
    }
}

function Invoke-Bench {
    Invoke-Build
    foreach ($project in Get-ChildItem (Join-Path $Root 'bench') -Filter '*.csproj' -Recurse | Sort-Object FullName) {
        Write-Host "== Bench: $($project.BaseName)"
        Invoke-Native dotnet @('run', '--project', $project.FullName, '-c', $Configuration, '--no-build')
    }
    foreach ($script in Get-ChildItem (Join-Path $Root 'bench') -Filter '*.bench.ps1' | Sort-Object Name) {
        Write-Host "== Bench: $($script.Name)"
        Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', $script.FullName)
    }
}

function Invoke-Package {
    Invoke-Build
    $version = (Import-PowerShellDataFile (Join-Path $Root 'PureCloudLicense.psd1')).ModuleVersion
    $staging = Join-Path $ArtifactsDir "package/PureCloudLicense/$version"
    if (Test-Path (Join-Path $ArtifactsDir 'package')) { Remove-Item (Join-Path $ArtifactsDir 'package') -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $staging | Out-Null
    Get-ChildItem $ModuleDir -Exclude 'README.md' | Copy-Item -Destination $staging -Recurse
    $zip = Join-Path $ArtifactsDir "PureCloudLicense-$version.zip"
    Compress-Archive -Path (Join-Path $ArtifactsDir 'package/PureCloudLicense') -DestinationPath $zip -Force
    Write-Host "Packaged $(Resolve-Path -Relative $zip): unzip into a folder of `$env:PSModulePath, then Import-Module PureCloudLicense."
}

function Invoke-Clean {
    foreach ($dir in Get-ChildItem $Root -Directory -Recurse -Include 'bin', 'obj' | Where-Object FullName -notmatch '[\\/]\.git[\\/]') {
        Remove-Item $dir.FullName -Recurse -Force -ErrorAction SilentlyContinue
    }
    Get-ChildItem $ModuleDir -Exclude 'README.md' -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    if (Test-Path $ArtifactsDir) { Remove-Item $ArtifactsDir -Recurse -Force }
    Write-Host 'Clean.'
}

Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Package' { Invoke-Package }
        'Clean' { Invoke-Clean }
    }
} finally {
    Pop-Location
}
