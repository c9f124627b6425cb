<#
.SYNOPSIS
    The module's main job, end to end, against a running emulator: connect, read, change, reconcile.
    build.ps1 -Task Demo starts the emulator, runs this, and stops it.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Url,
    [Parameter(Mandatory)] [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ModulePath

function Step([string] $Text) { Write-Host "`n>> $Text" -ForegroundColor Cyan }

Step "Connect-PCOrganization -Environment $Url -Credential (client id / secret)"
$secret = ConvertTo-SecureString 'pcl-emulator-secret' -AsPlainText -Force
$credential = [pscredential]::new('pcl-emulator-client', $secret)
Connect-PCOrganization -Environment $Url -Credential $credential
Get-PCContext | Format-List Environment, OrganizationName, ClientId, AuthKind, TokenExpiresOn | Out-Host

Step 'Get-PCLicenseDefinition'
Get-PCLicenseDefinition | Format-Table | Out-Host

Step 'Get-PCLicenseOrganization   (one row per license)'
Get-PCLicenseOrganization | Format-Table | Out-Host

Step 'Get-PCLicenseUser   (every user, paged; first 5 shown)'
$all = Get-PCLicenseUser
"$($all.Count) users read"
$all | Select-Object -First 5 | Format-Table | Out-Host

Step 'Who holds cloudCX1 without the WEM add-on? (Where-Object on typed output)'
$candidates = $all | Where-Object { $_.LicenseIds -contains 'cloudCX1' -and $_.LicenseIds -notcontains 'wem_addon_i' } | Select-Object -First 20
"$($candidates.Count) users selected"

Step 'Set-PCLicenseAssignment -AddLicenseId wem_addon_i -WhatIf   (nothing is sent)'
$candidates | Select-Object -First 3 | Set-PCLicenseAssignment -AddLicenseId wem_addon_i -WhatIf

Step 'Set-PCLicenseAssignment -AddLicenseId wem_addon_i   (one batched POST for all of them)'
$results = $candidates | Set-PCLicenseAssignment -AddLicenseId wem_addon_i
$results | Group-Object Result -NoElement | Format-Table Name, Count | Out-Host

Step 'A swap: cloudCX1 -> cloudCX2 for a user without add-ons'
$swap = $all | Where-Object { $_.LicenseIds.Count -eq 1 -and $_.LicenseIds[0] -eq 'cloudCX1' -and $_.UserId -notin $candidates.UserId } | Select-Object -First 1
Set-PCLicenseAssignment -UserId $swap.UserId -AddLicenseId cloudCX2 -RemoveLicenseId cloudCX1 | Format-Table | Out-Host
Get-PCLicenseUser $swap.UserId | Format-Table | Out-Host

Step 'Failures are results too: an unknown license and an add-on without its base'
$noBase = $all | Where-Object { $_.LicenseIds -notcontains 'cloudCX3' -and $_.LicenseIds -notcontains 'cloudCX4' } | Select-Object -First 1
Set-PCLicenseAssignment -UserId $noBase.UserId -AddLicenseId no_such_license, speech_text_analytics -ErrorVariable failed -ErrorAction SilentlyContinue | Format-Table | Out-Host
"-ErrorVariable holds $($failed.Count) failures: $(($failed | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) -join ', ')"

Step 'Sync-PCLicenseAssignment: the first 10 users should hold communicate, nobody else (desired state from a CSV)'
$csv = Join-Path ([IO.Path]::GetTempPath()) "pcl-demo-$PID.csv"
$all | Select-Object -First 10 | ForEach-Object { [pscustomobject]@{ UserId = $_.UserId; LicenseId = 'communicate' } } | Export-Csv $csv -NoTypeInformation
$plan = Import-Csv $csv | Sync-PCLicenseAssignment -RemoveFromUnlisted -WhatIf
"Plan (-WhatIf): $(@($plan | Where-Object Action -eq 'Add').Count) to add, $(@($plan | Where-Object Action -eq 'Remove').Count) to remove"
Import-Csv $csv | Sync-PCLicenseAssignment -RemoveFromUnlisted -InformationVariable summary | Out-Null
"First run:  $summary"
Import-Csv $csv | Sync-PCLicenseAssignment -RemoveFromUnlisted -InformationVariable summary | Out-Null
"Second run: $summary"
Remove-Item $csv
Get-PCLicenseOrganization -LicenseId communicate | Format-Table | Out-Host

Step 'Disconnect-PCOrganization'
Disconnect-PCOrganization
"Connected: $([bool](Get-PCContext))"
