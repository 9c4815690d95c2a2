# rtdev-script: root-install
& {
  try {
    if (Get-ChildItem -Path 'Cert:\CurrentUser\Root' | Where-Object { $_.Thumbprint -eq $rtdevThumbprint }) { 'RTDEV:present'; return }
    $cert = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList (,[Convert]::FromBase64String($rtdevCert))
    if ($cert.Thumbprint -ne $rtdevThumbprint) { 'RTDEV:failed 0x00000000 the certificate received does not have the expected thumbprint'; return }
    $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'Root', 'CurrentUser'
    $store.Open('ReadWrite')
    try { $store.Add($cert) } finally { $store.Close() }
    if (Get-ChildItem -Path 'Cert:\CurrentUser\Root' | Where-Object { $_.Thumbprint -eq $rtdevThumbprint }) { 'RTDEV:imported' } else { 'RTDEV:declined' }
  } catch {
    $e = $_.Exception
    while ($e.InnerException) { $e = $e.InnerException }
    'RTDEV:failed 0x{0:X8} {1}' -f $e.HResult, $e.Message
  }
}

