package geodns.server.zone;

import geodns.server.testing.Dns;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The zone example.com., loaded once for a test class and answered through the answerer ({@link Dns}). */
abstract class ExampleComZone {
    static final String EXAMPLE_COM = """
            $ORIGIN example.com.
            $TTL 3600
            @       IN SOA ns1 hostmaster ( 2024010101 7200 900 1209600 300 )
                    IN NS  ns1
                    IN NS  ns2
                    IN MX  10 mail
            ns1     IN A    192.0.2.53
            ns1     IN AAAA 2001:db8::53
            ns2     IN A    198.51.100.53
            mail    IN A    192.0.2.25
            www     IN A    192.0.2.1
            www     IN AAAA 2001:db8::1
            alias   IN CNAME www
            alias2  IN CNAME alias
            external IN CNAME www.example.net.
            dangling IN CNAME nowhere
            toent   IN CNAME c
            loop1   IN CNAME loop2
            loop2   IN CNAME loop1
            self    IN CNAME self
            a.b.c   IN A    192.0.2.7
            *.wild  IN TXT  "wild"
            *.wild  IN A    192.0.2.99
            host.wild IN A  192.0.2.5
            *.cn    IN CNAME www
            *.mx    IN MX   10 mail
            sub     IN NS   ns1.sub
            sub     IN NS   ns.elsewhere.net.
            ns1.sub IN A    192.0.2.200
            ns1.sub IN AAAA 2001:db8::200
            big     IN TXT  "%1$s" "%1$s" "%1$s"
            """.formatted("x".repeat(200));

    @TempDir
    static Path dir;
    static Dns dns;

    @BeforeAll
    static void load() {
        Dns.write(dir, "example.com.zone", EXAMPLE_COM);
        dns = Dns.serving(dir);
    }
}
