# Drives the License API emulator (as a separate process) with Invoke-RestMethod: proves the Pester harness works
# and that the emulator answers the way the module expects.
#Requires -Version 7.4

BeforeAll {
    $PSStyle.OutputRendering = 'PlainText'
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Users = 250
    $script:Emu = Start-TestEmulator -Users $script:Users
    $script:Token = Get-EmulatorToken $script:Emu
    $script:Auth = @{ Authorization = "Bearer $script:Token" }
    $script:Api = "$($script:Emu.Url)/api/v2"
}

AfterAll {
    Stop-TestEmulator $script:Emu
}

Describe 'Emulator process' {
    It 'listens on a loopback URL with a free port' {
        $script:Emu.Url | Should -Match '^http://127\.0\.0\.1:\d+$'
        $script:Emu.Url | Should -Not -Match ':0$'
        $script:Emu.Process.HasExited | Should -BeFalse
    }

    It 'answers the control ping' {
        (Invoke-RestMethod "$($script:Emu.Url)/emulator/ping").status | Should -Be 'ok'
    }
}

Describe 'OAuth client credentials' {
    It 'issues a bearer token for Basic auth' {
        $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($script:Emu.ClientId):$($script:Emu.ClientSecret)"))
        $answer = Invoke-RestMethod -Uri "$($script:Emu.Url)/oauth/token" -Method Post -Headers @{ Authorization = "Basic $basic" } `
            -ContentType 'application/x-www-form-urlencoded' -Body 'grant_type=client_credentials'
        $answer.token_type | Should -Be 'bearer'
        $answer.expires_in | Should -Be 86400
        $answer.access_token | Should -Match '^[A-Za-z0-9_-]{40,}$'
        $answer.access_token | Should -Not -Be $script:Token
    }

    It 'refuses a wrong secret with 401 invalid_client' {
        $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($script:Emu.ClientId):wrong-secret"))
        $response = Invoke-WebRequest -Uri "$($script:Emu.Url)/oauth/token" -Method Post -Headers @{ Authorization = "Basic $basic" } `
            -ContentType 'application/x-www-form-urlencoded' -Body 'grant_type=client_credentials' -SkipHttpErrorCheck
        $response.StatusCode | Should -Be 401
        ($response.Content | ConvertFrom-Json).error | Should -Be 'invalid_client'
    }

    It 'refuses an API call without a token with 401 authentication.required' {
        $response = Invoke-WebRequest -Uri "$script:Api/license/definitions" -SkipHttpErrorCheck
        $response.StatusCode | Should -Be 401
        ($response.Content | ConvertFrom-Json).code | Should -Be 'authentication.required'
    }
}

Describe 'License reads' {
    It 'lists the nine catalogue definitions in catalogue order' {
        $definitions = Invoke-RestMethod -Uri "$script:Api/license/definitions" -Headers $script:Auth
        $definitions.id | Should -Be @('collaborate', 'communicate', 'cloudCX1', 'cloudCX2', 'cloudCX3', 'wem_addon_i', 'wem_addon_ii', 'speech_text_analytics', 'cloudCX4')
        ($definitions | Where-Object id -EQ 'wem_addon_i').prerequisites.id | Should -Be 'cloudCX1'
        ($definitions | Where-Object id -EQ 'cloudCX4').comprises.id | Should -Be @('cloudCX3', 'speech_text_analytics')
    }

    It 'serves a user page with paging fields' {
        $page = Invoke-RestMethod -Uri "$script:Api/license/users?pageSize=100&pageNumber=3" -Headers $script:Auth
        $page.pageSize | Should -Be 100
        $page.pageNumber | Should -Be 3
        $page.total | Should -Be $script:Users
        $page.pageCount | Should -Be 3
        @($page.entities).Count | Should -Be 50
        $page.entities[0].id | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$'
        @($page.entities[0].licenses).Count | Should -BeGreaterThan 0
    }

    It 'answers POST /license/users keyed by user id, leaving unknown ids out' {
        $page = Invoke-RestMethod -Uri "$script:Api/license/users?pageSize=3" -Headers $script:Auth
        $ids = @($page.entities.id) + '00000000-0000-4000-8000-000000000000'
        $answer = Invoke-RestMethod -Uri "$script:Api/license/users" -Method Post -Headers $script:Auth `
            -ContentType 'application/json' -Body (ConvertTo-Json -InputObject $ids -Compress)
        @($answer.PSObject.Properties.Name) | Should -Be @($page.entities.id)
        foreach ($entity in $page.entities) {
            $user = $answer.($entity.id)
            $user.id | Should -Be $entity.id
            @($user.licenses.id) | Should -Be @($entity.licenses)
        }
    }

    It 'infers licenses from role ids' {
        $answer = Invoke-RestMethod -Uri "$script:Api/license/infer" -Method Post -Headers $script:Auth -ContentType 'application/json' `
            -Body '["6f0a1c1e-0d4b-4b8e-9a51-1a0000000004","6f0a1c1e-0d4b-4b8e-9a51-1a0000000001"]'
        $answer | Should -Be @('collaborate', 'cloudCX2', 'wem_addon_ii')
    }
}

Describe 'Assignment round-trip' {
    It 'adds a license, reads it back, removes it and reads that back' {
        $page = Invoke-RestMethod -Uri "$script:Api/license/users?pageSize=50" -Headers $script:Auth
        $user = $page.entities | Where-Object { $_.licenses -notcontains 'cloudCX2' } | Select-Object -First 1
        $user | Should -Not -BeNullOrEmpty

        $add = @{ assignments = @(@{ licenseId = 'cloudCX2'; userIdsAdd = @($user.id); userIdsRemove = @() }) } | ConvertTo-Json -Depth 5 -Compress
        $result = Invoke-RestMethod -Uri "$script:Api/license/organization" -Method Post -Headers $script:Auth -ContentType 'application/json' -Body $add
        @($result).Count | Should -Be 1
        $result[0].userId | Should -Be $user.id
        $result[0].licenseId | Should -Be 'cloudCX2'
        $result[0].result | Should -Be 'Success'
        (Invoke-RestMethod -Uri "$script:Api/license/users/$($user.id)" -Headers $script:Auth).licenses.id | Should -Contain 'cloudCX2'

        $remove = @{ assignments = @(@{ licenseId = 'cloudCX2'; userIdsAdd = @(); userIdsRemove = @($user.id) }) } | ConvertTo-Json -Depth 5 -Compress
        (Invoke-RestMethod -Uri "$script:Api/license/organization" -Method Post -Headers $script:Auth -ContentType 'application/json' -Body $remove)[0].result |
            Should -Be 'Success'
        $after = Invoke-RestMethod -Uri "$script:Api/license/users/$($user.id)" -Headers $script:Auth
        @($after.licenses.id) | Should -Be @($user.licenses)
    }

    It 'refuses an add-on without its prerequisite' {
        $page = Invoke-RestMethod -Uri "$script:Api/license/users?pageSize=100" -Headers $script:Auth
        $user = $page.entities | Where-Object { $_.licenses -notcontains 'cloudCX1' } | Select-Object -First 1
        $body = @{ assignments = @(@{ licenseId = 'wem_addon_i'; userIdsAdd = @($user.id) }) } | ConvertTo-Json -Depth 5 -Compress
        (Invoke-RestMethod -Uri "$script:Api/license/organization" -Method Post -Headers $script:Auth -ContentType 'application/json' -Body $body)[0].result |
            Should -Be 'PrerequisiteMissing'
    }
}

Describe 'Errors and rate limit' {
    It 'answers an unknown definition with an ErrorBody 404 whose contextId is the inin-correlation-id' {
        $response = Invoke-WebRequest -Uri "$script:Api/license/definitions/no-such-license" -Headers $script:Auth -SkipHttpErrorCheck
        $response.StatusCode | Should -Be 404
        $body = $response.Content | ConvertFrom-Json
        $body.code | Should -Be 'not.found'
        $body.status | Should -Be 404
        $body.entityId | Should -Be 'no-such-license'
        $correlation = [string]$response.Headers['inin-correlation-id']
        $correlation | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        $body.contextId | Should -Be $correlation
    }

    It 'answers 429 with Retry-After once a tiny rate limit is spent, and serves again after the window' {
        Set-EmulatorFaults $script:Emu @{ rateLimit = 2; rateWindowSeconds = 2 } | Out-Null
        try {
            $token = Get-EmulatorToken $script:Emu
            $headers = @{ Authorization = "Bearer $token" }
            $statuses = foreach ($i in 1..3) {
                $r = Invoke-WebRequest -Uri "$script:Api/license/definitions" -Headers $headers -SkipHttpErrorCheck
                if ($r.StatusCode -eq 429) { $last = $r }
                $r.StatusCode
            }
            $statuses | Should -Be @(200, 200, 429)
            $retryAfter = [int]([string]$last.Headers['Retry-After'])
            $retryAfter | Should -BeGreaterOrEqual 1
            $retryAfter | Should -BeLessOrEqual 2
            ($last.Content | ConvertFrom-Json).code | Should -Be 'too.many.requests.retry.after'
            [string]$last.Headers['inin-ratelimit-allowed'] | Should -Be '2'

            Start-Sleep -Seconds $retryAfter
            Start-Sleep -Milliseconds 200
            (Invoke-WebRequest -Uri "$script:Api/license/definitions" -Headers $headers -SkipHttpErrorCheck).StatusCode | Should -Be 200
        }
        finally {
            Set-EmulatorFaults $script:Emu @{ rateLimit = 0; rateWindowSeconds = 60 } | Out-Null
        }
    }

    It 'answers a fault rule with its status for count uses, then normally' {
        Set-EmulatorFaults $script:Emu @{ rules = @(@{ method = 'GET'; path = '/api/v2/license/definitions'; status = 503; count = 2 }) } | Out-Null
        $statuses = foreach ($i in 1..3) { (Invoke-WebRequest -Uri "$script:Api/license/definitions" -Headers $script:Auth -SkipHttpErrorCheck).StatusCode }
        $statuses | Should -Be @(503, 503, 200)
    }
}

Describe 'Control API' {
    It 'counts requests per route and status in /emulator/stats' {
        $before = Get-EmulatorStats $script:Emu
        Invoke-RestMethod -Uri "$script:Api/license/definitions/cloudCX1" -Headers $script:Auth | Out-Null
        Invoke-RestMethod -Uri "$script:Api/license/definitions/cloudCX2" -Headers $script:Auth | Out-Null
        Invoke-WebRequest -Uri "$script:Api/license/definitions/nope" -Headers $script:Auth -SkipHttpErrorCheck | Out-Null
        Invoke-RestMethod "$($script:Emu.Url)/emulator/ping" | Out-Null   # control routes are not counted
        $after = Get-EmulatorStats $script:Emu
        ($after.totalRequests - $before.totalRequests) | Should -Be 3
        $route = 'GET /api/v2/license/definitions/{licenseId}'
        $ok = { param($s) $e = $s.routes.PSObject.Properties[$route]; if ($e -and $e.Value.PSObject.Properties['200']) { [int]$e.Value.'200' } else { 0 } }
        $nf = { param($s) $e = $s.routes.PSObject.Properties[$route]; if ($e -and $e.Value.PSObject.Properties['404']) { [int]$e.Value.'404' } else { 0 } }
        ((& $ok $after) - (& $ok $before)) | Should -Be 2
        ((& $nf $after) - (& $nf $before)) | Should -Be 1
    }

    It 'expires every token on POST /emulator/tokens/expire' {
        $token = Get-EmulatorToken $script:Emu
        (Revoke-EmulatorToken $script:Emu).expired | Should -BeGreaterOrEqual 1
        $response = Invoke-WebRequest -Uri "$script:Api/license/definitions" -Headers @{ Authorization = "Bearer $token" } -SkipHttpErrorCheck
        $response.StatusCode | Should -Be 401
        ($response.Content | ConvertFrom-Json).code | Should -Be 'bad.credentials'
        $script:Token = Get-EmulatorToken $script:Emu
        $script:Auth = @{ Authorization = "Bearer $script:Token" }
    }

    It 'resets stats and re-seeds the org on POST /emulator/reset' {
        $answer = Reset-Emulator $script:Emu -Users 120
        $answer.users | Should -Be 120
        $stats = Get-EmulatorStats $script:Emu
        $stats.totalRequests | Should -Be 0
        (Invoke-RestMethod -Uri "$script:Api/license/users?pageSize=1" -Headers $script:Auth).total | Should -Be 120
    }
}
