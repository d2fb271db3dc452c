package geodns.server.transport;

import geodns.server.transfer.TransferStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/** A transfer's messages as Netty chunks, each with its TCP length prefix (RFC 1035 §4.2.2). */
final class ChunkedTransfer implements ChunkedInput<ByteBuf> {
    private final TransferStream stream;
    private int sent;

    ChunkedTransfer(TransferStream stream) {
        this.stream = stream;
    }

    @Override
    public boolean isEndOfInput() {
        return stream.done();
    }

    @Override
    public void close() {
        // Nothing held: the messages are made as they are read.
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (stream.done()) {
            return null;
        }
        byte[] message = stream.next();
        sent++;
        ByteBuf chunk = allocator.directBuffer(message.length + 2);
        chunk.writeShort(message.length);
        chunk.writeBytes(message);
        return chunk;
    }

    @Override
    public long length() {
        return stream.size();
    }

    @Override
    public long progress() {
        return sent;
    }
}
