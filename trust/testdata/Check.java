import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Fetches the URL in args[0] with the JVM's default trust store (the test
 * points javax.net.ssl.trustStore at its copy of cacerts) and exits 0 on
 * HTTP 200. A TLS failure ends in an exception and a non-zero exit.
 */
public class Check {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(args[0])).build();
        HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        System.out.println("status " + resp.statusCode());
        System.exit(resp.statusCode() == 200 ? 0 : 1);
    }
}
