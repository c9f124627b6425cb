# End-to-end tests of Set-PCLicenseAssignment and Sync-PCLicenseAssignment (the built module, ./module) against the
# License API emulator running as a separate process. Every outcome is checked against the emulator's own state,
# read back with Invoke-RestMethod (or Get-PCLicenseUser where the test says so), and request counts come from the
# emulator's /emulator/stats. Run in a fresh pwsh (build.ps1 -Task Test does): a binary module cannot be unloaded.
#Requires -Version 7.4

BeforeAll {
    $PSStyle.OutputRendering = 'PlainText'
    $script:HelpersPath = Join-Path $PSScriptRoot 'TestHelpers.psm1'
    Import-Module $script:HelpersPath -Force
    $script:Manifest = Get-ModuleManifestPath
    Import-Module $script:Manifest -Force

    # 1,100 users: enough for the 1,000-user batching test, small enough for full snapshots to stay cheap.
    $script:Emu = Start-TestEmulator -Users 1100
    $script:Token = Get-EmulatorToken $script:Emu   # tokens survive /emulator/reset
    $script:Headers = @{ Authorization = "Bearer $script:Token" }
    $script:Api = "$($script:Emu.Url)/api/v2"
    $script:OrgRoute = 'POST /api/v2/license/organization'
    $script:Catalogue = @('collaborate', 'communicate', 'cloudCX1', 'cloudCX2', 'cloudCX3', 'wem_addon_i', 'wem_addon_ii', 'speech_text_analytics', 'cloudCX4')

    Connect-PCOrganization -Environment $script:Emu.Url -ClientId $script:Emu.ClientId -ClientSecret (New-TestSecret $script:Emu.ClientSecret)

    # Every user's holdings as the emulator reports them: user id -> license ids joined with ',' (catalogue order).
    function script:Get-Snapshot {
        $snapshot = @{}
        $page = 1
        do {
            $answer = Invoke-RestMethod -Uri "$script:Api/license/users?pageSize=500&pageNumber=$page" -Headers $script:Headers
            foreach ($entity in $answer.entities) { $snapshot[$entity.id] = (@($entity.licenses) -join ',') }
            $page++
        } while ($page -le $answer.pageCount)
        $snapshot
    }

    # The same, from the module's own reader (Get-PCLicenseUser output).
    function script:ConvertTo-Snapshot {
        param([Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $LicenseUser)
        $snapshot = @{}
        foreach ($user in $LicenseUser) {
            $snapshot[$user.UserId] = (@($script:Catalogue | Where-Object { $user.LicenseIds -contains $_ }) -join ',')
        }
        $snapshot
    }

    function script:Copy-Snapshot {
        param([Parameter(Mandatory)] [hashtable] $Snapshot)
        $copy = @{}
        foreach ($key in $Snapshot.Keys) { $copy[$key] = $Snapshot[$key] }
        $copy
    }

    function script:Get-Holding {
        param([Parameter(Mandatory)] [hashtable] $Snapshot, [Parameter(Mandatory)] [string] $UserId)
        @($Snapshot[$UserId] -split ',' | Where-Object { $_ })
    }

    # Edits one user's entry of a snapshot (an expected state), keeping catalogue order.
    function script:Edit-Holding {
        param([Parameter(Mandatory)] [hashtable] $Snapshot, [Parameter(Mandatory)] [string] $UserId, [string[]] $Add = @(), [string[]] $Remove = @())
        $held = [System.Collections.Generic.HashSet[string]]::new()
        foreach ($id in Get-Holding $Snapshot $UserId) { [void]$held.Add($id) }
        foreach ($id in $Add) { [void]$held.Add($id) }
        foreach ($id in $Remove) { [void]$held.Remove($id) }
        $Snapshot[$UserId] = (@($script:Catalogue | Where-Object { $held.Contains($_) }) -join ',')
    }

    # Differences between two snapshots, one line per user: '' when they are equal.
    function script:Compare-Snapshot {
        param([Parameter(Mandatory)] [hashtable] $Expected, [Parameter(Mandatory)] [hashtable] $Actual)
        $lines = foreach ($key in @($Expected.Keys) + @($Actual.Keys) | Sort-Object -Unique) {
            if ($Expected[$key] -cne $Actual[$key]) { "$key expected [$($Expected[$key])] got [$($Actual[$key])]" }
        }
        @($lines) -join "`n"
    }

    # Users of a snapshot holding every -Has license and none of the -Lacks ones, in listing order.
    function script:Select-TestUser {
        param(
            [Parameter(Mandatory)] [hashtable] $Snapshot,
            [string[]] $Has = @(), [string[]] $Lacks = @(),
            [int] $Count = 1, [string[]] $Exclude = @()
        )
        $found = @($Snapshot.Keys | Sort-Object | Where-Object {
                $held = Get-Holding $Snapshot $_
                $_ -notin $Exclude -and
                @($Has | Where-Object { $held -notcontains $_ }).Count -eq 0 -and
                @($Lacks | Where-Object { $held -contains $_ }).Count -eq 0
            } | Select-Object -First $Count)
        if ($found.Count -lt $Count) { throw "Only $($found.Count) users hold [$Has] and lack [$Lacks]; the test needs $Count." }
        $found
    }

    # Arranges state behind the module's back: POST /license/organization with our own token; every status must be Success.
    function script:Invoke-DirectAssignment {
        param([Parameter(Mandatory)] [string] $LicenseId, [string[]] $Add = @(), [string[]] $Remove = @())
        $body = @{ assignments = @(@{ licenseId = $LicenseId; userIdsAdd = @($Add); userIdsRemove = @($Remove) }) } | ConvertTo-Json -Depth 5 -Compress
        $statuses = Invoke-RestMethod -Uri "$script:Api/license/organization" -Method Post -Headers $script:Headers -ContentType 'application/json' -Body $body
        $bad = @($statuses | Where-Object result -NE 'Success')
        if ($bad.Count) { throw "Arrange failed: $($bad | ConvertTo-Json -Compress)" }
    }

    function script:Get-PostCount { Get-EmulatorRouteCount $script:Emu $script:OrgRoute }

    function script:Get-ErrorId {
        param([Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
        ($ErrorRecord.FullyQualifiedErrorId -split ',')[0]
    }

    # Runs a script in a child pwsh (the same pwsh as this one), connected to the emulator; returns its text output.
    # What-if and -Confirm text goes to the host, not to a stream, so a child process is how to read it.
    function script:Invoke-ChildPwsh {
        param([Parameter(Mandatory)] [string] $Body, [string[]] $UserId, [string] $InputText)
        $script = Join-Path $TestDrive ("child-{0}.ps1" -f [guid]::NewGuid().ToString('N'))
        $prelude = @'
param($Manifest, $Helpers, $Url, $ClientId, $ClientSecret, $UserIds)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $Helpers
Import-Module $Manifest
Connect-PCOrganization -Environment $Url -ClientId $ClientId -ClientSecret (New-TestSecret $ClientSecret)
$ids = $UserIds -split ','
'@
        Set-Content -LiteralPath $script -Value ($prelude + "`n" + $Body) -Encoding utf8
        $hostPath = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $prefix = @([Reflection.Assembly]::GetEntryAssembly().Location) }
        $arguments = $prefix + @('-NoProfile', '-File', $script, '-Manifest', $script:Manifest, '-Helpers', $script:HelpersPath,
            '-Url', $script:Emu.Url, '-ClientId', $script:Emu.ClientId, '-ClientSecret', $script:Emu.ClientSecret, '-UserIds', ($UserId -join ','))
        if ($PSBoundParameters.ContainsKey('InputText')) {
            $output = $InputText | & $hostPath @arguments 2>&1
        }
        else {
            $output = & $hostPath @arguments 2>&1
        }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = @($output | ForEach-Object { "$_" }) }
    }
}

AfterAll {
    Disconnect-PCOrganization -ErrorAction SilentlyContinue
    Stop-TestEmulator $script:Emu
}

Describe 'Set-PCLicenseAssignment: add, remove, swap, no-ops' {
    BeforeEach {
        Reset-Emulator $script:Emu | Out-Null
        $script:Before = Get-Snapshot
    }

    It 'adds a license and touches nothing else' {
        $user = Select-TestUser $script:Before -Lacks collaborate
        $results = Set-PCLicenseAssignment -UserId $user -AddLicenseId collaborate -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        @($results).Count | Should -Be 1
        $results.UserId | Should -Be $user
        $results.LicenseId | Should -BeExactly 'collaborate'
        $results.Action | Should -Be 'Add'
        $results.Result | Should -Be 'Success'
        $results.Succeeded | Should -BeTrue
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $user -Add collaborate
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'removes a license and touches nothing else' {
        $user = Select-TestUser $script:Before -Has collaborate
        $results = Set-PCLicenseAssignment -UserId $user -RemoveLicenseId collaborate -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        @($results).Count | Should -Be 1
        $results.Action | Should -Be 'Remove'
        $results.Succeeded | Should -BeTrue
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $user -Remove collaborate
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'swaps licenses in one call with -AddLicenseId and -RemoveLicenseId' {
        $users = Select-TestUser $script:Before -Has collaborate -Lacks communicate -Count 2
        $results = Set-PCLicenseAssignment -UserId $users -AddLicenseId communicate -RemoveLicenseId collaborate -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        @($results).Count | Should -Be 4
        @($results | Where-Object Succeeded).Count | Should -Be 4
        @($results | ForEach-Object { "$($_.UserId) $($_.Action) $($_.LicenseId)" } | Sort-Object) |
            Should -Be @($(foreach ($u in $users) { "$u Add communicate"; "$u Remove collaborate" }) | Sort-Object)
        $expected = Copy-Snapshot $script:Before
        foreach ($u in $users) { Edit-Holding $expected $u -Add communicate -Remove collaborate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'reports Success and changes nothing when adding a held license or removing an absent one' {
        $user = Select-TestUser $script:Before -Has collaborate -Lacks communicate
        $results = Set-PCLicenseAssignment -UserId $user -AddLicenseId collaborate -RemoveLicenseId communicate -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        @($results).Count | Should -Be 2
        $results.Result | Should -Be @('Success', 'Success')
        Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
    }
}

Describe 'Set-PCLicenseAssignment: prerequisites' {
    BeforeEach {
        Reset-Emulator $script:Emu | Out-Null
        $script:Before = Get-Snapshot
    }

    It 'refuses an add-on without its base: PrerequisiteMissing result and error' {
        $user = Select-TestUser $script:Before -Lacks cloudCX1, wem_addon_i
        $results = Set-PCLicenseAssignment -UserId $user -AddLicenseId wem_addon_i -ErrorVariable ev -ErrorAction SilentlyContinue

        @($results).Count | Should -Be 1
        $results.Result | Should -Be 'PrerequisiteMissing'
        $results.Succeeded | Should -BeFalse
        @($ev).Count | Should -Be 1
        Get-ErrorId $ev[0] | Should -BeExactly 'PrerequisiteMissing'
        $ev[0].TargetObject.LicenseId | Should -BeExactly 'wem_addon_i'
        Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
    }

    It 'adds a base and its add-on in one call: base first, in separate POSTs' {
        $user = Select-TestUser $script:Before -Lacks cloudCX1, wem_addon_i
        $posts = Get-PostCount
        $stream = Set-PCLicenseAssignment -UserId $user -AddLicenseId wem_addon_i, cloudCX1 -ErrorVariable ev -ErrorAction SilentlyContinue -Verbose 4>&1

        $results = @($stream | Where-Object { $_ -is [PureCloudLicense.Models.LicenseAssignmentResult] })
        $ev | Should -BeNullOrEmpty
        $results.Count | Should -Be 2
        @($results | Where-Object Succeeded).Count | Should -Be 2
        ((Get-PostCount) - $posts) | Should -Be 2
        $sending = @($stream | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Sending batch*' } | ForEach-Object Message)
        $sending.Count | Should -Be 2
        $sending[0] | Should -Match 'cloudCX1 \+1 -0'
        $sending[1] | Should -Match 'wem_addon_i \+1 -0'
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $user -Add cloudCX1, wem_addon_i
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'refuses to remove a base while its add-on is held: PrerequisiteInUse' {
        $user = Select-TestUser $script:Before -Has cloudCX1, wem_addon_i
        $results = Set-PCLicenseAssignment -UserId $user -RemoveLicenseId cloudCX1 -ErrorVariable ev -ErrorAction SilentlyContinue

        $results.Result | Should -Be 'PrerequisiteInUse'
        $results.Succeeded | Should -BeFalse
        @($ev).Count | Should -Be 1
        Get-ErrorId $ev[0] | Should -BeExactly 'PrerequisiteInUse'
        Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
    }

    It 'removes a base and its add-on in one call: add-on first, in separate POSTs' {
        $user = Select-TestUser $script:Before -Has cloudCX1, wem_addon_i
        $posts = Get-PostCount
        $stream = Set-PCLicenseAssignment -UserId $user -RemoveLicenseId cloudCX1, wem_addon_i -ErrorVariable ev -ErrorAction SilentlyContinue -Verbose 4>&1

        $results = @($stream | Where-Object { $_ -is [PureCloudLicense.Models.LicenseAssignmentResult] })
        $ev | Should -BeNullOrEmpty
        $results.Count | Should -Be 2
        @($results | Where-Object Succeeded).Count | Should -Be 2
        ((Get-PostCount) - $posts) | Should -Be 2
        $sending = @($stream | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Sending batch*' } | ForEach-Object Message)
        $sending[0] | Should -Match 'wem_addon_i \+0 -1'
        $sending[1] | Should -Match 'cloudCX1 \+0 -1'
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $user -Remove cloudCX1, wem_addon_i
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'upgrades to a bundle in one call: the bundle is added before the base it replaces is removed' {
        # speech_text_analytics needs cloudCX3; cloudCX4 comprises cloudCX3, so it satisfies the add-on once it is held.
        $user = Select-TestUser $script:Before -Has cloudCX3, speech_text_analytics -Lacks cloudCX4
        $stream = Set-PCLicenseAssignment -UserId $user -AddLicenseId cloudCX4 -RemoveLicenseId cloudCX3 -ErrorVariable ev -ErrorAction SilentlyContinue -Verbose 4>&1

        $results = @($stream | Where-Object { $_ -is [PureCloudLicense.Models.LicenseAssignmentResult] })
        $ev | Should -BeNullOrEmpty
        @($results | ForEach-Object { "$($_.Action) $($_.LicenseId) $($_.Result)" } | Sort-Object) |
            Should -Be @('Add cloudCX4 Success', 'Remove cloudCX3 Success')
        $sending = @($stream | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Sending batch*' } | ForEach-Object Message)
        $sending[0] | Should -Match 'cloudCX4 \+1 -0'
        $sending[-1] | Should -Match 'cloudCX3 \+0 -1'
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $user -Add cloudCX4 -Remove cloudCX3
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }
}

Describe 'Set-PCLicenseAssignment: failed changes' {
    BeforeEach {
        Reset-Emulator $script:Emu | Out-Null
        $script:Before = Get-Snapshot
    }

    It 'reports unknown users and licenses as errors whose TargetObject is the result, and applies the rest' {
        $user = Select-TestUser $script:Before -Lacks communicate
        $ghost = [guid]::NewGuid().ToString()
        $results = Set-PCLicenseAssignment -UserId $user, $ghost -AddLicenseId communicate, no_such_license -ErrorVariable ev -ErrorAction SilentlyContinue

        @($results).Count | Should -Be 4
        ($results | Where-Object { $_.UserId -eq $user -and $_.LicenseId -eq 'communicate' }).Succeeded | Should -BeTrue
        @($ev).Count | Should -Be 3
        $byKey = @{}
        foreach ($e in $ev) { $byKey["$($e.TargetObject.UserId) $($e.TargetObject.LicenseId)"] = $e }
        Get-ErrorId $byKey["$user no_such_license"] | Should -BeExactly 'LicenseNotFound'
        Get-ErrorId $byKey["$ghost communicate"] | Should -BeExactly 'UserNotFound'
        Get-ErrorId $byKey["$ghost no_such_license"] | Should -BeExactly 'LicenseNotFound'
        foreach ($e in $ev) {
            $e.TargetObject | Should -BeOfType ([PureCloudLicense.Models.LicenseAssignmentResult])
            $e.TargetObject.Action | Should -Be 'Add'
            $e.TargetObject.Succeeded | Should -BeFalse
            $e.TargetObject.Result | Should -BeExactly (Get-ErrorId $e)
        }
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $user -Add communicate
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'refuses a non-GUID user id with InvalidUserId and does not send it' {
        $posts = Get-PostCount
        $results = Set-PCLicenseAssignment -UserId 'not-a-guid' -AddLicenseId communicate -ErrorVariable ev -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        @($ev).Count | Should -Be 1
        Get-ErrorId $ev[0] | Should -BeExactly 'InvalidUserId'
        ((Get-PostCount) - $posts) | Should -Be 0

        # Next to a valid id: only the valid change is sent and applied.
        $user = Select-TestUser $script:Before -Lacks communicate
        $results = Set-PCLicenseAssignment -UserId 'not-a-guid', $user -AddLicenseId communicate -ErrorVariable ev2 -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $results.UserId | Should -Be $user
        $results.Succeeded | Should -BeTrue
        @($ev2 | ForEach-Object { Get-ErrorId $_ }) | Should -Be @('InvalidUserId')
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $user -Add communicate
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'refuses the same user and license added and removed in one run: ConflictingChange for both, neither sent' {
        $user = Select-TestUser $script:Before -Has collaborate
        $rows = @(
            [pscustomobject]@{ UserId = $user; LicenseId = 'collaborate'; Action = 'Remove' }
            [pscustomobject]@{ UserId = $user; LicenseId = 'collaborate'; Action = 'Add' }
        )
        $posts = Get-PostCount
        $results = $rows | Set-PCLicenseAssignment -ErrorVariable ev -ErrorAction SilentlyContinue

        @($results).Count | Should -Be 2
        @($results.Result | Sort-Object -Unique) | Should -Be @('ConflictingChange')
        @($results.Action | Sort-Object) | Should -Be @('Add', 'Remove')
        @($ev).Count | Should -Be 2
        @($ev | ForEach-Object { Get-ErrorId $_ } | Sort-Object -Unique) | Should -Be @('ConflictingChange')
        $ev[0].TargetObject | Should -BeOfType ([PureCloudLicense.Models.LicenseAssignmentResult])
        ((Get-PostCount) - $posts) | Should -Be 0
        Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
    }

    It 'sends the same change piped three times once, with one result' {
        $user = Select-TestUser $script:Before -Lacks communicate
        $row = [pscustomobject]@{ UserId = $user; LicenseId = 'communicate'; Action = 'Add' }
        $posts = Get-PostCount
        $stream = $row, $row, $row | Set-PCLicenseAssignment -ErrorVariable ev -ErrorAction SilentlyContinue -Verbose 4>&1

        $results = @($stream | Where-Object { $_ -is [PureCloudLicense.Models.LicenseAssignmentResult] })
        $ev | Should -BeNullOrEmpty
        $results.Count | Should -Be 1
        $results[0].Succeeded | Should -BeTrue
        ((Get-PostCount) - $posts) | Should -Be 1
        @($stream | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Sending batch*' }).Message |
            Should -Match '\(1 changes\)$'
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $user -Add communicate
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }
}

Describe 'Set-PCLicenseAssignment: pipeline input' {
    BeforeEach {
        Reset-Emulator $script:Emu | Out-Null
        $script:Before = Get-Snapshot
    }

    It 'takes user id strings by value with -AddLicenseId' {
        $users = Select-TestUser $script:Before -Lacks communicate -Count 3
        $results = $users | Set-PCLicenseAssignment -AddLicenseId communicate -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        @($results.UserId | Sort-Object) | Should -Be @($users | Sort-Object)
        @($results | Where-Object Succeeded).Count | Should -Be 3
        $expected = Copy-Snapshot $script:Before
        foreach ($u in $users) { Edit-Holding $expected $u -Add communicate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'takes objects with an Id property' {
        $users = Select-TestUser $script:Before -Lacks communicate -Count 3
        $results = $users | ForEach-Object { [pscustomobject]@{ Id = $_; Name = "user $_" } } |
            Set-PCLicenseAssignment -AddLicenseId communicate -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        @($results.UserId | Sort-Object) | Should -Be @($users | Sort-Object)
        @($results | Where-Object Succeeded).Count | Should -Be 3
        $expected = Copy-Snapshot $script:Before
        foreach ($u in $users) { Edit-Holding $expected $u -Add communicate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'takes Get-PCLicenseUser output (UserId)' {
        $users = Select-TestUser $script:Before -Has collaborate -Count 4
        $results = Get-PCLicenseUser -UserId $users | Set-PCLicenseAssignment -RemoveLicenseId collaborate -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        @($results.UserId | Sort-Object) | Should -Be @($users | Sort-Object)
        @($results | Where-Object { $_.Succeeded -and $_.Action -eq 'Remove' }).Count | Should -Be 4
        $expected = Copy-Snapshot $script:Before
        foreach ($u in $users) { Edit-Holding $expected $u -Remove collaborate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'takes a UserId,LicenseId,Action CSV file as is, with Add and Remove rows: one result per row' {
        $adds = Select-TestUser $script:Before -Lacks communicate -Count 3
        $removes = Select-TestUser $script:Before -Has collaborate -Count 3 -Exclude $adds
        $csv = Join-Path $TestDrive 'changes.csv'
        @(
            foreach ($u in $adds) { [pscustomobject]@{ UserId = $u; LicenseId = 'communicate'; Action = 'Add' } }
            foreach ($u in $removes) { [pscustomobject]@{ UserId = $u; LicenseId = 'collaborate'; Action = 'Remove' } }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation

        $results = Import-Csv -LiteralPath $csv | Set-PCLicenseAssignment -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        @($results | ForEach-Object { "$($_.UserId) $($_.Action) $($_.LicenseId) $($_.Succeeded)" } | Sort-Object) |
            Should -Be @(@($adds | ForEach-Object { "$_ Add communicate True" }) + @($removes | ForEach-Object { "$_ Remove collaborate True" }) | Sort-Object)
        $expected = Copy-Snapshot $script:Before
        foreach ($u in $adds) { Edit-Holding $expected $u -Add communicate }
        foreach ($u in $removes) { Edit-Holding $expected $u -Remove collaborate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'reports a CSV row with Action Frobnicate as an InvalidAction error naming it and applies the other rows' {
        $users = Select-TestUser $script:Before -Lacks communicate -Count 3
        $csv = Join-Path $TestDrive 'frobnicate.csv'
        @(
            [pscustomobject]@{ UserId = $users[0]; LicenseId = 'communicate'; Action = 'Add' }
            [pscustomobject]@{ UserId = $users[1]; LicenseId = 'communicate'; Action = 'Frobnicate' }
            [pscustomobject]@{ UserId = $users[2]; LicenseId = 'communicate'; Action = 'Add' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation

        $results = Import-Csv -LiteralPath $csv | Set-PCLicenseAssignment -ErrorVariable ev -ErrorAction SilentlyContinue

        @($ev).Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAction,*'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].TargetObject.Action | Should -BeExactly 'Frobnicate'
        $ev[0].TargetObject.UserId | Should -Be $users[1]
        $ev[0].TargetObject.LicenseId | Should -Be 'communicate'
        $ev[0].Exception.Message | Should -BeLike "*'Frobnicate'*$($users[1])*"
        @($results.UserId | Sort-Object) | Should -Be @($users[0], $users[2] | Sort-Object)
        @($results | Where-Object Succeeded).Count | Should -Be 2
        $expected = Copy-Snapshot $script:Before
        Edit-Holding $expected $users[0] -Add communicate
        Edit-Holding $expected $users[2] -Add communicate
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }
}

Describe '-WhatIf and -Confirm' {
    BeforeEach {
        Reset-Emulator $script:Emu | Out-Null
        $script:Before = Get-Snapshot
    }

    It 'Set -WhatIf sends no POST and outputs nothing' {
        $users = Select-TestUser $script:Before -Has collaborate -Lacks communicate -Count 3
        $posts = Get-PostCount
        $results = Set-PCLicenseAssignment -UserId $users -AddLicenseId communicate -RemoveLicenseId collaborate -WhatIf -ErrorVariable ev -ErrorAction SilentlyContinue

        $results | Should -BeNullOrEmpty
        $ev | Should -BeNullOrEmpty
        ((Get-PostCount) - $posts) | Should -Be 0
        Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
    }

    It 'Set -WhatIf lists every (user, license, action) on the host' {
        $users = Select-TestUser $script:Before -Has collaborate -Lacks communicate -Count 3
        $posts = Get-PostCount
        $child = Invoke-ChildPwsh -UserId $users -Body 'Set-PCLicenseAssignment -UserId $ids -AddLicenseId communicate, cloudCX2 -RemoveLicenseId collaborate -WhatIf'

        $child.ExitCode | Should -Be 0 -Because ($child.Lines -join "`n")
        $whatIf = @($child.Lines | Where-Object { $_ -like 'What if:*' })
        $listed = @($whatIf | ForEach-Object {
                if ($_ -match 'operation "(Add|Remove) license (\S+)" on target "user ([0-9a-fA-F-]{36})"') { "$($Matches[3]) $($Matches[1]) $($Matches[2])" }
                else { "unparsed: $_" }
            } | Sort-Object)
        $listed | Should -Be @($(foreach ($u in $users) { "$u Add communicate"; "$u Add cloudCX2"; "$u Remove collaborate" }) | Sort-Object)
        ((Get-PostCount) - $posts) | Should -Be 0
        Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
    }

    It 'Sync -WhatIf returns the plan as LicenseChange objects and sends no POST' {
        $toAdd = Select-TestUser $script:Before -Lacks communicate -Count 2
        $toKeep = Select-TestUser $script:Before -Has communicate -Count 1
        $toRemove = Select-TestUser $script:Before -Has communicate -Count 1 -Exclude $toKeep
        $rows = @(
            foreach ($u in @($toAdd) + @($toKeep)) { [pscustomobject]@{ UserId = $u; LicenseId = 'communicate' } }
            [pscustomobject]@{ UserId = $toRemove; LicenseId = 'collaborate' }
        )
        $posts = Get-PostCount
        $plan = $rows | Sync-PCLicenseAssignment -LicenseId communicate -WhatIf -ErrorVariable ev -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $ev | Should -BeNullOrEmpty
        foreach ($change in $plan) { $change | Should -BeOfType ([PureCloudLicense.Models.LicenseChange]) }
        @($plan | ForEach-Object { "$($_.UserId) $($_.Action) $($_.LicenseId)" } | Sort-Object) |
            Should -Be @(@($toAdd | ForEach-Object { "$_ Add communicate" }) + "$toRemove Remove communicate" | Sort-Object)
        ((Get-PostCount) - $posts) | Should -Be 0
        Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
    }

    It '<Name> supports -Confirm with ConfirmImpact Medium' -ForEach @(
        @{ Name = 'Set-PCLicenseAssignment' }
        @{ Name = 'Sync-PCLicenseAssignment' }
    ) {
        $command = Get-Command $Name
        $command.Parameters.ContainsKey('Confirm') | Should -BeTrue
        $command.Parameters.ContainsKey('WhatIf') | Should -BeTrue
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.SupportsShouldProcess | Should -BeTrue
        $attribute.ConfirmImpact | Should -Be ([System.Management.Automation.ConfirmImpact]::Medium)
    }

    It 'Set -Confirm asks once per batch and sends only the approved batches' {
        $users = Select-TestUser $script:Before -Lacks communicate -Count 15
        $posts = Get-PostCount
        # Three batches of five: yes, no, yes (the answers come from the child's stdin).
        $child = Invoke-ChildPwsh -UserId $users -InputText "y`nn`ny`n" -Body @'
$results = $ids | Set-PCLicenseAssignment -AddLicenseId communicate -BatchSize 5 -Confirm
"RESULTS $(@($results).Count)"
"DECLINED $(@($results | Where-Object Result -EQ 'Declined').Count)"
'@

        $child.ExitCode | Should -Be 0 -Because ($child.Lines -join "`n")
        $text = $child.Lines -join "`n"
        ([regex]::Matches($text, 'Send license batch \d of 3')).Count | Should -Be 3
        # Every change is accounted for: the declined batch's five come back as Declined results.
        $text | Should -Match 'RESULTS 15'
        $text | Should -Match 'DECLINED 5'
        ((Get-PostCount) - $posts) | Should -Be 2
        # Changes keep their order within a license: batch 2 (declined) is users 6-10.
        $expected = Copy-Snapshot $script:Before
        foreach ($u in @($users[0..4]) + @($users[10..14])) { Edit-Holding $expected $u -Add communicate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }
}

Describe 'Set-PCLicenseAssignment: batching and failed batches' {
    BeforeEach {
        Reset-Emulator $script:Emu | Out-Null
        $script:Before = Get-Snapshot
    }

    It 'sends 1,000 piped users in at most 10 POSTs and returns all 1,000 results' {
        $users = @($script:Before.Keys | Sort-Object | Select-Object -First 1000)
        $posts = Get-PostCount
        $results = @($users | Set-PCLicenseAssignment -AddLicenseId collaborate -ErrorVariable ev -ErrorAction SilentlyContinue)

        $ev | Should -BeNullOrEmpty
        ((Get-PostCount) - $posts) | Should -BeLessOrEqual 10
        $results.Count | Should -Be 1000
        @($results | Where-Object Succeeded).Count | Should -Be 1000
        @($results.UserId | Sort-Object -Unique).Count | Should -Be 1000
        $expected = Copy-Snapshot $script:Before
        foreach ($u in $users) { Edit-Holding $expected $u -Add collaborate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'splits a batch the service refuses as too large (400 constraint.validation) and applies every change' {
        # The emulator takes at most 100 changes per request; -BatchSize 300 must be split (300 -> 150 -> 75).
        $users = @($script:Before.Keys | Sort-Object | Select-Object -First 300)
        $results = @($users | Set-PCLicenseAssignment -AddLicenseId communicate -BatchSize 300 -ErrorVariable ev -ErrorAction SilentlyContinue)

        $ev | Should -BeNullOrEmpty
        $results.Count | Should -Be 300
        @($results | Where-Object Succeeded).Count | Should -Be 300
        Get-EmulatorRouteCount $script:Emu $script:OrgRoute -Status 400 | Should -BeGreaterThan 0
        Get-EmulatorRouteCount $script:Emu $script:OrgRoute -Status 200 | Should -BeGreaterOrEqual 3
        $expected = Copy-Snapshot $script:Before
        foreach ($u in $users) { Edit-Holding $expected $u -Add communicate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }

    It 'reports exactly the changes of a batch that keeps failing with 503 and applies the other batches' {
        $users = Select-TestUser $script:Before -Lacks communicate -Count 30
        $target = $users[14]
        $context = Get-PCContext
        $budget = $context.RetryBudget
        try {
            $context.RetryBudget = [timespan]::FromSeconds(2)
            Set-EmulatorFaults $script:Emu @{ rules = @(@{ method = 'POST'; path = '/api/v2/license/organization'; bodyContains = $target; status = 503 }) } | Out-Null

            $results = @($users | Set-PCLicenseAssignment -AddLicenseId communicate -BatchSize 10 -ErrorVariable ev -ErrorAction SilentlyContinue)
            $stats = Get-EmulatorStats $script:Emu
        }
        finally {
            $context.RetryBudget = $budget
            Set-EmulatorFaults $script:Emu @{ rules = @() } | Out-Null
        }

        $stats.faultsInjected | Should -BeGreaterThan 1 -Because 'the batch holding the target user is answered 503 and retried'
        $stats.routes.$($script:OrgRoute).'503' | Should -Be $stats.faultsInjected
        $stats.routes.$($script:OrgRoute).'200' | Should -Be 2
        @($ev).Count | Should -Be 10
        @($ev | ForEach-Object { Get-ErrorId $_ } | Sort-Object -Unique) | Should -Be @('AssignmentNotApplied')
        $ev[0].Exception.Message | Should -Match '503|unavailable'
        $failedUsers = @($ev | ForEach-Object { $_.TargetObject.UserId })
        $failedUsers | Should -Contain $target
        $results.Count | Should -Be 30
        @($results | Where-Object Succeeded).Count | Should -Be 20
        @($results | Where-Object { -not $_.Succeeded } | ForEach-Object UserId | Sort-Object) | Should -Be @($failedUsers | Sort-Object)
        (Get-PCContext).RetryBudget | Should -Be $budget
        $expected = Copy-Snapshot $script:Before
        foreach ($u in $users | Where-Object { $_ -notin $failedUsers }) { Edit-Holding $expected $u -Add communicate }
        Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
    }
}

Describe 'Sync-PCLicenseAssignment' {
    Context 'from a UserId,LicenseId CSV' {
        BeforeAll {
            Reset-Emulator $script:Emu | Out-Null
            $script:SyncBefore = Get-Snapshot
            # 24 users; managed licenses collaborate and communicate (bases nothing else needs).
            $script:SyncUsers = @($script:SyncBefore.Keys | Sort-Object | Select-Object -First 24)
            $script:Desired = @{}
            for ($i = 0; $i -lt $script:SyncUsers.Count; $i++) {
                $script:Desired[$script:SyncUsers[$i]] = switch ($i % 3) { 0 { @('collaborate') } 1 { @('communicate') } 2 { @('collaborate', 'communicate') } }
            }
            $script:Pairs = 0
            $script:SyncCsv = Join-Path $TestDrive 'desired.csv'
            @(foreach ($u in $script:SyncUsers) {
                    foreach ($l in $script:Desired[$u]) { $script:Pairs++; [pscustomobject]@{ UserId = $u; LicenseId = $l } }
                }) | Export-Csv -LiteralPath $script:SyncCsv -NoTypeInformation

            $script:SyncExpected = Copy-Snapshot $script:SyncBefore
            $script:ExpectAdded = 0; $script:ExpectRemoved = 0; $script:ExpectUnchanged = 0
            foreach ($u in $script:SyncUsers) {
                $held = Get-Holding $script:SyncBefore $u
                foreach ($l in 'collaborate', 'communicate') {
                    $want = $script:Desired[$u] -contains $l
                    $has = $held -contains $l
                    if ($want -and $has) { $script:ExpectUnchanged++ }
                    elseif ($want) { $script:ExpectAdded++; Edit-Holding $script:SyncExpected $u -Add $l }
                    elseif ($has) { $script:ExpectRemoved++; Edit-Holding $script:SyncExpected $u -Remove $l }
                }
            }
        }

        It 'makes the managed licenses match the input and leaves every other license alone' {
            $script:ExpectAdded | Should -BeGreaterThan 0 -Because 'the seeded data should need additions'
            $script:ExpectRemoved | Should -BeGreaterThan 0 -Because 'the seeded data should need removals'
            $results = @(Import-Csv -LiteralPath $script:SyncCsv | Sync-PCLicenseAssignment -InformationVariable iv -ErrorVariable ev -ErrorAction SilentlyContinue)

            $ev | Should -BeNullOrEmpty
            $results.Count | Should -Be ($script:ExpectAdded + $script:ExpectRemoved)
            @($results | Where-Object Succeeded).Count | Should -Be $results.Count
            $summary = @($iv | Where-Object { $_.Tags -contains 'Summary' } | ForEach-Object MessageData)
            $summary.Count | Should -Be 1
            $summary[0].Added | Should -Be $script:ExpectAdded
            $summary[0].Removed | Should -Be $script:ExpectRemoved
            $summary[0].Unchanged | Should -Be $script:ExpectUnchanged
            $summary[0].Failed | Should -Be 0
            Compare-Snapshot $script:SyncExpected (Get-Snapshot) | Should -BeExactly ''
        }

        It 'changes nothing on a second identical run' {
            $posts = Get-PostCount
            $results = Import-Csv -LiteralPath $script:SyncCsv | Sync-PCLicenseAssignment -InformationVariable iv -ErrorVariable ev -ErrorAction SilentlyContinue

            $ev | Should -BeNullOrEmpty
            $results | Should -BeNullOrEmpty
            ((Get-PostCount) - $posts) | Should -Be 0
            $summary = @($iv | Where-Object { $_.Tags -contains 'Summary' } | ForEach-Object MessageData)
            $summary.Count | Should -Be 1
            $summary[0].Added | Should -Be 0
            $summary[0].Removed | Should -Be 0
            $summary[0].Unchanged | Should -Be $script:Pairs
            $summary[0].Failed | Should -Be 0
            Compare-Snapshot $script:SyncExpected (Get-Snapshot) | Should -BeExactly ''
        }
    }

    Context 'scope and input forms' {
        BeforeEach {
            Reset-Emulator $script:Emu | Out-Null
            $script:Before = Get-Snapshot
        }

        It 'with -LicenseId leaves licenses outside the scope alone and warns about them' {
            $users = Select-TestUser $script:Before -Lacks communicate, cloudCX3 -Count 3
            $rows = foreach ($u in $users) {
                [pscustomobject]@{ UserId = $u; LicenseId = 'communicate' }
                [pscustomobject]@{ UserId = $u; LicenseId = 'cloudCX3' }
            }
            $results = @($rows | Sync-PCLicenseAssignment -LicenseId communicate -WarningVariable wv -WarningAction SilentlyContinue -ErrorVariable ev -ErrorAction SilentlyContinue)

            $ev | Should -BeNullOrEmpty
            @($wv).Count | Should -Be 1
            "$($wv[0])" | Should -Match 'cloudCX3'
            @($results | ForEach-Object { "$($_.UserId) $($_.Action) $($_.LicenseId) $($_.Succeeded)" } | Sort-Object) |
                Should -Be @($users | ForEach-Object { "$_ Add communicate True" } | Sort-Object)
            $expected = Copy-Snapshot $script:Before
            foreach ($u in $users) { Edit-Holding $expected $u -Add communicate }
            Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
        }

        It 'with -RemoveFromUnlisted removes exactly the managed license from users not in the input (Get-PCLicenseUser snapshots)' {
            $before = ConvertTo-Snapshot @(Get-PCLicenseUser)
            $before.Count | Should -Be 1100
            Compare-Snapshot $script:Before $before | Should -BeExactly '' -Because 'the module reads the same state as the emulator reports'
            $listedHolders = Select-TestUser $before -Has communicate -Count 2
            $listedOthers = Select-TestUser $before -Lacks communicate -Count 2
            $listed = @($listedHolders) + @($listedOthers)
            $unlistedHolders = @($before.Keys | Where-Object { $_ -notin $listed -and (Get-Holding $before $_) -contains 'communicate' })
            $unlistedHolders.Count | Should -BeGreaterThan 0

            $results = @($listed | ForEach-Object { [pscustomobject]@{ UserId = $_; LicenseId = 'communicate' } } |
                    Sync-PCLicenseAssignment -LicenseId communicate -RemoveFromUnlisted -InformationVariable iv -ErrorVariable ev -ErrorAction SilentlyContinue)

            $ev | Should -BeNullOrEmpty
            @($results | Where-Object { -not $_.Succeeded }) | Should -BeNullOrEmpty
            $summary = @($iv | Where-Object { $_.Tags -contains 'Summary' } | ForEach-Object MessageData)[0]
            $summary.Added | Should -Be 2
            $summary.Removed | Should -Be $unlistedHolders.Count
            $summary.Unchanged | Should -Be 2
            $summary.Failed | Should -Be 0
            $expected = Copy-Snapshot $before
            foreach ($u in $listedOthers) { Edit-Holding $expected $u -Add communicate }
            foreach ($u in $unlistedHolders) { Edit-Holding $expected $u -Remove communicate }
            Compare-Snapshot $expected (ConvertTo-Snapshot @(Get-PCLicenseUser)) | Should -BeExactly ''
        }

        It 'with -RemoveFromUnlisted refuses an empty input (UnsafeRemoveFromUnlisted) and changes nothing' {
            $csv = Join-Path $TestDrive 'empty.csv'
            Set-Content -LiteralPath $csv -Value '"UserId","LicenseId"'
            $posts = Get-PostCount

            { Import-Csv -LiteralPath $csv | Sync-PCLicenseAssignment -LicenseId communicate -RemoveFromUnlisted } |
                Should -Throw -ErrorId 'UnsafeRemoveFromUnlisted,*'

            ((Get-PostCount) - $posts) | Should -Be 0
            Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
        }

        It 'with -RemoveFromUnlisted refuses input with an unreadable row unless -Force is given' {
            $listed = Select-TestUser $script:Before -Has communicate
            $victim = Select-TestUser $script:Before -Has communicate -Exclude $listed
            $rows = @(
                [pscustomobject]@{ UserId = $listed; LicenseId = 'communicate' }
                [pscustomobject]@{ UserId = "$victim-typo"; LicenseId = 'communicate' }
            )
            $posts = Get-PostCount

            { $rows | Sync-PCLicenseAssignment -LicenseId communicate -RemoveFromUnlisted -ErrorAction SilentlyContinue } |
                Should -Throw -ErrorId 'UnsafeRemoveFromUnlisted,*'
            ((Get-PostCount) - $posts) | Should -Be 0
            (Get-Holding (Get-Snapshot) $victim) | Should -Contain 'communicate'

            $results = @($rows | Sync-PCLicenseAssignment -LicenseId communicate -RemoveFromUnlisted -Force -ErrorVariable ev -ErrorAction SilentlyContinue)
            @($ev | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('InvalidUserId')
            $results | Where-Object UserId -EQ $victim | ForEach-Object { "$($_.Action) $($_.Result)" } | Should -Be 'Remove Success'
            (Get-Holding (Get-Snapshot) $victim) | Should -Not -Contain 'communicate'
        }

        It 'restores a snapshot CSV (LicenseIds joined with ;) as the README shows, then has nothing left to do' {
            $snapshot = Join-Path $TestDrive 'snapshot.csv'
            Get-PCLicenseUser | Select-Object UserId, @{ n = 'LicenseIds'; e = { $_.LicenseIds -join ';' } } | Export-Csv -LiteralPath $snapshot -NoTypeInformation
            # Drift: a few users lose or gain licenses behind the snapshot's back.
            $drift = @(Select-TestUser $script:Before -Has collaborate -Lacks communicate -Count 3)
            Invoke-DirectAssignment -LicenseId collaborate -Remove $drift
            Invoke-DirectAssignment -LicenseId communicate -Add $drift

            $results = @(Import-Csv -LiteralPath $snapshot | Sync-PCLicenseAssignment -LicenseId $script:Catalogue -ErrorVariable ev -ErrorAction SilentlyContinue)

            $ev | Should -BeNullOrEmpty
            @($results | ForEach-Object { "$($_.UserId) $($_.Action) $($_.LicenseId) $($_.Result)" } | Sort-Object) |
                Should -Be @($drift | ForEach-Object { "$_ Add collaborate Success"; "$_ Remove communicate Success" } | Sort-Object)
            Compare-Snapshot $script:Before (Get-Snapshot) | Should -BeExactly ''
            $posts = Get-PostCount
            @(Import-Csv -LiteralPath $snapshot | Sync-PCLicenseAssignment -LicenseId $script:Catalogue) | Should -BeNullOrEmpty
            ((Get-PostCount) - $posts) | Should -Be 0
        }

        It 'takes a user with a list of license ids (LicenseIds), including Get-PCLicenseUser output' {
            # A hand-made object with LicenseIds.
            $user = Select-TestUser $script:Before -Lacks collaborate, communicate
            # A saved Get-PCLicenseUser record, restored after the user was changed behind the module's back.
            $saved = Select-TestUser $script:Before -Has collaborate -Lacks communicate -Exclude $user
            $record = Get-PCLicenseUser -UserId $saved
            Invoke-DirectAssignment -LicenseId collaborate -Remove $saved
            Invoke-DirectAssignment -LicenseId communicate -Add $saved

            $inputs = @([pscustomobject]@{ UserId = $user; LicenseIds = @('collaborate', 'communicate') }, $record)
            $results = @($inputs | Sync-PCLicenseAssignment -LicenseId collaborate, communicate -ErrorVariable ev -ErrorAction SilentlyContinue)

            $ev | Should -BeNullOrEmpty
            @($results | ForEach-Object { "$($_.UserId) $($_.Action) $($_.LicenseId) $($_.Succeeded)" } | Sort-Object) |
                Should -Be @("$user Add collaborate True", "$user Add communicate True", "$saved Add collaborate True", "$saved Remove communicate True" | Sort-Object)
            $expected = Copy-Snapshot $script:Before
            Edit-Holding $expected $user -Add collaborate, communicate
            Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
        }

        It 'reports a row without UserId (InvalidUserId) and an unknown user (LicenseUserNotFound), and syncs the others' {
            $toAdd = Select-TestUser $script:Before -Lacks communicate -Count 2
            $holder = Select-TestUser $script:Before -Has communicate
            $ghost = [guid]::NewGuid().ToString()
            $rows = @(
                [pscustomobject]@{ UserId = $toAdd[0]; LicenseId = 'communicate' }
                [pscustomobject]@{ Name = 'no id here'; LicenseId = 'communicate' }
                [pscustomobject]@{ UserId = $ghost; LicenseId = 'communicate' }
                [pscustomobject]@{ UserId = $toAdd[1]; LicenseId = 'communicate' }
                [pscustomobject]@{ UserId = $holder; LicenseId = 'communicate' }
            )
            $results = @($rows | Sync-PCLicenseAssignment -InformationVariable iv -ErrorVariable ev -ErrorAction SilentlyContinue)

            @($ev).Count | Should -Be 2
            $invalid = @($ev | Where-Object { (Get-ErrorId $_) -eq 'InvalidUserId' })
            $invalid.Count | Should -Be 1
            $invalid[0].TargetObject.Name | Should -Be 'no id here'
            $notFound = @($ev | Where-Object { (Get-ErrorId $_) -eq 'LicenseUserNotFound' })
            $notFound.Count | Should -Be 1
            "$($notFound[0].TargetObject)" | Should -Be $ghost
            $notFound[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            @($results | ForEach-Object { "$($_.UserId) $($_.Action) $($_.LicenseId) $($_.Succeeded)" } | Sort-Object) |
                Should -Be @($toAdd | ForEach-Object { "$_ Add communicate True" } | Sort-Object)
            $summary = @($iv | Where-Object { $_.Tags -contains 'Summary' } | ForEach-Object MessageData)[0]
            $summary.Added | Should -Be 2
            $summary.Removed | Should -Be 0
            $summary.Unchanged | Should -Be 1
            $summary.Failed | Should -Be 1 -Because 'the unknown user wanted one managed license'
            $expected = Copy-Snapshot $script:Before
            foreach ($u in $toAdd) { Edit-Holding $expected $u -Add communicate }
            Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
        }

        It 'removes the managed licenses from a listed user whose LicenseId cell is empty' {
            $users = Select-TestUser $script:Before -Has communicate -Count 2
            $csv = Join-Path $TestDrive 'empty-cell.csv'
            @(
                [pscustomobject]@{ UserId = $users[0]; LicenseId = '' }
                [pscustomobject]@{ UserId = $users[1]; LicenseId = 'communicate' }
            ) | Export-Csv -LiteralPath $csv -NoTypeInformation
            $results = @(Import-Csv -LiteralPath $csv | Sync-PCLicenseAssignment -LicenseId communicate -InformationVariable iv -ErrorVariable ev -ErrorAction SilentlyContinue)

            $ev | Should -BeNullOrEmpty
            @($results | ForEach-Object { "$($_.UserId) $($_.Action) $($_.LicenseId) $($_.Succeeded)" }) | Should -Be @("$($users[0]) Remove communicate True")
            $summary = @($iv | Where-Object { $_.Tags -contains 'Summary' } | ForEach-Object MessageData)[0]
            "$($summary.Added) $($summary.Removed) $($summary.Unchanged) $($summary.Failed)" | Should -Be '0 1 1 0'
            $expected = Copy-Snapshot $script:Before
            Edit-Holding $expected $users[0] -Remove communicate
            Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
        }

        It 'counts a refused change as Failed in the summary, with its error' {
            # Swapping cloudCX1 for cloudCX2 while wem_addon_i still needs cloudCX1: the add works, the removal is refused.
            $user = Select-TestUser $script:Before -Has cloudCX1, wem_addon_i -Lacks cloudCX2
            $results = @([pscustomobject]@{ UserId = $user; LicenseId = 'cloudCX2' } |
                    Sync-PCLicenseAssignment -LicenseId cloudCX1, cloudCX2 -InformationVariable iv -ErrorVariable ev -ErrorAction SilentlyContinue)

            $results.Count | Should -Be 2
            ($results | Where-Object Action -EQ 'Add').Succeeded | Should -BeTrue
            ($results | Where-Object Action -EQ 'Remove').Result | Should -Be 'PrerequisiteInUse'
            @($ev).Count | Should -Be 1
            Get-ErrorId $ev[0] | Should -BeExactly 'PrerequisiteInUse'
            $summary = @($iv | Where-Object { $_.Tags -contains 'Summary' } | ForEach-Object MessageData)[0]
            $summary.Added | Should -Be 1
            $summary.Removed | Should -Be 0
            $summary.Unchanged | Should -Be 0
            $summary.Failed | Should -Be 1
            $expected = Copy-Snapshot $script:Before
            Edit-Holding $expected $user -Add cloudCX2
            Compare-Snapshot $expected (Get-Snapshot) | Should -BeExactly ''
        }
    }
}
