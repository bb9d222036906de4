# Starts a fresh PowerShell of the same version as this one, whether it runs as an executable or as 'dotnet pwsh'.

function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $exe = [Environment]::ProcessPath
    [string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
    & $exe @prefix -NoProfile -NonInteractive @Arguments
    if ($LASTEXITCODE -ne 0) { throw "A fresh pwsh ($($Arguments -join ' ')) failed with exit code $LASTEXITCODE." }
}
