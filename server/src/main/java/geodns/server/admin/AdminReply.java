package geodns.server.admin;

/** What one admin request is answered with; {@code headers}: any beyond the type and length (a signature). */
record AdminReply(int status, String contentType, String body, java.util.Map<String, String> headers) {
    AdminReply(int status, String contentType, String body) {
        this(status, contentType, body, java.util.Map.of());
    }

    static AdminReply text(int status, String body) {
        return new AdminReply(status, "text/plain; charset=utf-8", body);
    }
}
