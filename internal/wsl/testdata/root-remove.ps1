# rtdev-script: root-remove
& {
  try {
    $found = @(Get-ChildItem -Path 'Cert:\CurrentUser\Root' | Where-Object { $_.Thumbprint -eq $rtdevThumbprint })
    if ($found.Count -eq 0) { 'RTDEV:missing'; return }
    $found | Remove-Item
    if (Get-ChildItem -Path 'Cert:\CurrentUser\Root' | Where-Object { $_.Thumbprint -eq $rtdevThumbprint }) { 'RTDEV:declined' } else { 'RTDEV:removed' }
  } catch {
    $e = $_.Exception
    while ($e.InnerException) { $e = $e.InnerException }
    'RTDEV:failed 0x{0:X8} {1}' -f $e.HResult, $e.Message
  }
}

