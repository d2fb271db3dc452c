package geodns.geoip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which file a path names (device and inode) and its size, modification and change time. Two stamps of one path
 * with the same file but other times mean the file was written in place: a mapping of it reads what was written.
 * A different file means it was replaced (renamed over, as geoipupdate does): a mapping of the old one is intact.
 */
record FileStamp(Object dev, Object ino, long size, Object modified, Object changed) {

    /** Follows links. Linux ("unix" attributes); elsewhere the file key stands for device and inode. */
    static FileStamp of(Path file) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
            return new FileStamp(a.get("dev"), a.get("ino"), (Long) a.get("size"), a.get("lastModifiedTime"),
                    a.get("ctime"));
        } catch (UnsupportedOperationException e) {
            var a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            return new FileStamp(a.fileKey(), null, a.size(), a.lastModifiedTime(), a.lastModifiedTime());
        }
    }

    boolean sameFile(FileStamp other) {
        return java.util.Objects.equals(dev, other.dev) && java.util.Objects.equals(ino, other.ino);
    }
}
