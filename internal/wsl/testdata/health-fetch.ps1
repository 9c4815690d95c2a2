# rtdev-script: health-fetch
& {
  $ProgressPreference = 'SilentlyContinue'
  try { [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]'Tls12, Tls13' } catch { [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12 }
  try {
    $r = Invoke-WebRequest -UseBasicParsing -TimeoutSec 10 -Uri ('https://localhost:' + $rtdevPort + '/rtdev/health')
    'RTDEV:fetched ' + $r.StatusCode
  } catch {
    $e = $_.Exception
    $status = 'Unknown'
    if ($e -is [System.Net.WebException]) { $status = [string]$e.Status }
    while ($e.InnerException) { $e = $e.InnerException }
    'RTDEV:unreachable ' + $status + ' ' + $e.Message
  }
}

