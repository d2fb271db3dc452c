package com.maxmind.db;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link Reader}'s binary search tree, node by node, for geodns's one walk of the whole tree when a database is
 * loaded (geodns.geoip.SameClassBlocks). It lives in MaxMind's package because Reader 3.1 keeps its tree reading
 * (node records, the IPv4 start node, decoding a record by its pointer) package-private, and its public
 * {@code networks()} iterator decodes every network (1.4 million in the embedded DB: ~0.7 s) and skips the empty
 * ones, which a walk must see. The version is pinned (geoip/pom.xml): a change of these members fails the build.
 * Reads the reader's own buffer or a mapping of the same file (a duplicate: its position is this object's).
 */
public final class SearchTree {
    private final Reader reader;
    private final ByteBuffer buffer;

    private SearchTree(Reader reader, ByteBuffer buffer) {
        this.reader = reader;
        this.buffer = buffer;
    }

    /** Not thread-safe: one walk at a time per object. */
    public static SearchTree of(Reader reader) throws ClosedDatabaseException {
        return new SearchTree(reader, reader.getBufferHolder().get());
    }

    /** The tree read from {@code file}, the reader's whole file (mapped apart from the reader's own mapping). */
    public static SearchTree of(Reader reader, ByteBuffer file) {
        return new SearchTree(reader, file.duplicate());
    }

    /** Records below this are nodes, this one is "no data", above it are pointers to data. */
    public int nodeCount() {
        return reader.getMetadata().getNodeCount();
    }

    /** The node IPv4 addresses start from (0 in an IPv4 tree; in an IPv6 tree the node at ::/96, or a record). */
    public int ipv4Start() {
        return reader.getIpv4Start();
    }

    /** 4 or 6. */
    public int ipVersion() {
        return reader.getMetadata().getIpVersion();
    }

    /** The record of {@code node}'s left (side 0, bit clear) or right (side 1) child. */
    public int record(int node, int side) throws InvalidDatabaseException {
        return reader.readNode(buffer, node, side);
    }

    /** The data a record above {@link #nodeCount()} points to, decoded as a lookup decodes it. */
    public <T> T data(int record, Class<T> type) throws IOException {
        return reader.resolveDataPointer(buffer, record, type);
    }
}
