package geodns.server.admin;

/** What one admin request is answered with. */
record AdminReply(int status, String contentType, String body) {
    static AdminReply text(int status, String body) {
        return new AdminReply(status, "text/plain; charset=utf-8", body);
    }
}
