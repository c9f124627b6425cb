@{
    RootModule           = 'PureCloudLicense.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3f6d2a8e-0c4b-4f7e-9a51-7d2c8b1e4f60'
    Author               = 'PureCloudLicense contributors'
    CompanyName          = 'PureCloudLicense contributors'
    Copyright            = '(c) PureCloudLicense contributors. MIT License.'
    Description          = 'Manage Genesys Cloud (formerly PureCloud) licenses in bulk: read definitions and assignments, assign and remove licenses, with batching, pacing, retries and a local License API emulator.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('PureCloudLicense.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-PCOrganization'
        'Disconnect-PCOrganization'
        'Get-PCContext'
        'Get-PCLicenseDefinition'
        'Get-PCLicenseUser'
        'Get-PCLicenseOrganization'
        'Set-PCLicenseAssignment'
        'Sync-PCLicenseAssignment'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('GenesysCloud', 'PureCloud', 'Genesys', 'License', 'Licensing', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/purecloudlicense/PureCloudLicense'
            LicenseUri   = 'https://github.com/purecloudlicense/PureCloudLicense/blob/main/LICENSE'
            ReleaseNotes = 'First release: connection, resilient HTTP core, license read and assignment cmdlets, License API emulator.'
        }
    }
}
