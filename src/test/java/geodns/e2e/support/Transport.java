package geodns.e2e.support;

/** How a query travels to the server. */
public enum Transport {
    UDP,
    TCP;

    /** The dig option that selects this transport. */
    public String digOption() {
        return this == TCP ? "+tcp" : "+notcp";
    }
}
