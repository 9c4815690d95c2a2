# rtdev-script: windows-lan
& {
  try {
    $routes = @(Get-NetRoute -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -ErrorAction Stop | Sort-Object -Property RouteMetric)
    foreach ($r in $routes) {
      foreach ($a in @(Get-NetIPAddress -AddressFamily IPv4 -InterfaceIndex $r.InterfaceIndex -ErrorAction SilentlyContinue)) {
        'RTDEV:addr ' + $a.IPAddress
      }
    }
    'RTDEV:done'
  } catch {
    $e = $_.Exception
    while ($e.InnerException) { $e = $e.InnerException }
    'RTDEV:failed 0x{0:X8} {1}' -f $e.HResult, $e.Message
  }
}

