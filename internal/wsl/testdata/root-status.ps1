# rtdev-script: root-status
& {
  try {
    $all = @(Get-ChildItem -Path 'Cert:\CurrentUser\Root')
    if ($all | Where-Object { $_.Thumbprint -eq $rtdevThumbprint }) { 'RTDEV:present' } else { 'RTDEV:missing' }
    foreach ($c in $all) {
      if ($c.Subject -like '*O=rtdev development CA*' -and $c.Thumbprint -ne $rtdevThumbprint) { 'RTDEV:other ' + $c.Thumbprint }
    }
  } catch {
    $e = $_.Exception
    while ($e.InnerException) { $e = $e.InnerException }
    'RTDEV:failed 0x{0:X8} {1}' -f $e.HResult, $e.Message
  }
}

