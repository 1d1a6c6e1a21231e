#!/usr/bin/env pwsh
# Windows / PowerShell twin of .ci/run: keep the two in step.
#   ./build.ps1            restore, build, test, pack + consumer test + README's C# blocks, demo, validate docker-compose.yml
#   ./build.ps1 -Target test | pack | bench | demo | compose
param([ValidateSet('all', 'build', 'test', 'pack', 'bench', 'demo', 'compose')] [string] $Target = 'all')
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Step([string] $Name, [scriptblock] $Body) {
    Write-Host "== $Name"
    & $Body
    if ($LASTEXITCODE -ne 0) { throw "$Name failed with exit code $LASTEXITCODE" }
}

if (($Target -in 'all', 'test') -and -not (Get-Command openssl -ErrorAction SilentlyContinue)) {
    # TlsProcessSpecs makes certificates with scripts/make-certs.sh (bash and openssl).
    throw 'openssl is needed by the tests (TlsProcessSpecs); install it first (apt-get install openssl, or Git for Windows).'
}
if ($Target -in 'all', 'build', 'test', 'pack', 'bench', 'demo') {
    Invoke-Step 'restore' { dotnet restore ProcessRegistry.Akka.sln }
    # Built as CI: source paths in the pdbs map to /_/ (PackageMetadataSpecs checks the packed symbols).
    Invoke-Step 'build' { dotnet build ProcessRegistry.Akka.sln --no-restore -c Release -p:ContinuousIntegrationBuild=true }
}
if ($Target -in 'all', 'test') {
    $log = New-TemporaryFile
    Invoke-Step 'tests' { dotnet test ProcessRegistry.Akka.sln --no-build -c Release | Tee-Object -FilePath $log }
    # The test run shows progress: a line per spec as it passed, and little else.
    $lines = Get-Content $log
    $progress = @($lines | Where-Object { $_ -match '^ +Passed ' }).Count
    $passed = ($lines | Select-String -Pattern 'Passed: +(\d+)' | ForEach-Object { [int]$_.Matches[0].Groups[1].Value } | Measure-Object -Sum).Sum
    if ($progress -ne $passed) { throw "dotnet test printed $progress progress lines for $passed passed specs" }
    if ($lines.Count -gt 2000) { throw "dotnet test printed $($lines.Count) lines: the nodes' logs are flooding the console" }
}
if ($Target -in 'all', 'pack') {
    $packages = Join-Path $PSScriptRoot 'artifacts/packages'
    $version = "0.3.0-ci.$([DateTimeOffset]::UtcNow.ToUnixTimeSeconds())"
    if (Test-Path $packages) { Remove-Item -Recurse -Force $packages }
    Invoke-Step 'pack' { dotnet pack ProcessRegistry.Akka.sln --no-build -c Release -o $packages -p:Version=$version }
    foreach ($package in 'ProcessRegistry.Akka', 'ProcessRegistry.Akka.Hosting', 'ProcessRegistry.Akka.TestKit') {
        if (-not (Test-Path (Join-Path $packages "$package.$version.snupkg"))) { throw "no symbol package for $package" }
    }
    Invoke-Step 'package consumer' { dotnet test tests/PackageConsumer -c Release -p:PackageSource=$packages -p:ProcessRegistryVersion=$version }
    Invoke-Step "the README's C# blocks" { dotnet run scripts/readme-snippets.cs -- README.md tests/ReadmeSnippets/Generated }
    Invoke-Step "the README's C# blocks build" { dotnet build tests/ReadmeSnippets -c Release -p:PackageSource=$packages -p:ProcessRegistryVersion=$version }
}
if ($Target -eq 'bench') {
    foreach ($mode in 'lookup', 'register', 'register-deployed', 'kill-floor', 'propagation', 'propagation-deployed', 'spawn', 'spawn-deployed', 'roundtrip', 'scale') {
        Invoke-Step "benchmark $mode" { dotnet run --no-build -c Release --project benchmarks/ProcessRegistry.Akka.Benchmarks -- $mode }
    }
}
if ($Target -in 'all', 'demo') {
    Invoke-Step 'demo' { dotnet run --no-build -c Release --project samples/ProcessRegistry.Akka.Demo }
}
if ($Target -in 'all', 'compose') {
    Invoke-Step 'docker-compose.yml' { docker-compose -f docker-compose.yml config -q }
}
