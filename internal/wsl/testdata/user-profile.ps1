# rtdev-script: user-profile
& {
  try {
    'RTDEV:profile ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($env:USERPROFILE))
  } catch {
    $e = $_.Exception
    while ($e.InnerException) { $e = $e.InnerException }
    'RTDEV:failed 0x{0:X8} {1}' -f $e.HResult, $e.Message
  }
}

