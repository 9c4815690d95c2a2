# curl and openssl reach rtdev serve trusting what the environment says
# (CURL_CA_BUNDLE, SSL_CERT_FILE); the bundle must still hold public roots.
set -eu
url="https://host.docker.internal:$SERVE_PORT/rtdev/health"
echo "health $(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$url")"
echo "roots $(grep -c 'BEGIN CERTIFICATE' "$CURL_CA_BUNDLE")"
echo | openssl s_client -connect "host.docker.internal:$SERVE_PORT" -servername host.docker.internal \
	-verify_hostname host.docker.internal -verify_return_error 2>&1 | grep 'Verify return code'
