package io.silo.app.imports;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.bson.BsonArray;
import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;

/**
 * The files of a MongoDB export, read with MongoDB's own BSON library: a {@code mongodump} folder
 * (a folder per database of {@code <collection>.bson} files, gzipped as {@code .bson.gz} or not,
 * each with its {@code <collection>.metadata.json}), or {@code mongoexport} files
 * ({@code <collection>.json}, {@code .jsonl} or {@code .ndjson}, gzipped or not; JSON lines or one
 * array; extended JSON, canonical or relaxed). A folder that holds such files itself is one
 * database named after the folder.
 *
 * <p>Stateless and thread-safe.
 */
final class MongoFiles {
    /** The largest BSON document MongoDB stores is 16 MiB; a length beyond that is corruption. */
    private static final int MAX_DOCUMENT = 16 * 1024 * 1024 + 16 * 1024;

    private static final DecoderContext DECODING = DecoderContext.builder().build();
    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    private MongoFiles() {}

    /** How a collection's file is written. */
    enum Format {
        BSON,
        JSON
    }

    /** One collection of one database, as a file of the export. */
    record SourceCollection(String database, String name, Path file, Format format, Optional<Path> metadata) {
        long size() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return 0;
            }
        }
    }

    /** Where read documents go: each one decoded, or what could not be. */
    interface Sink {
        void document(BsonDocument document);

        /** A document that could not be read, with where and why; {@code fatal} when the rest of the file is lost. */
        void unreadable(String where, String reason, boolean fatal);
    }

    /** The collections under {@code root}, by database then collection name. */
    static List<SourceCollection> scan(Path root) {
        if (!Files.isDirectory(root)) {
            throw new UncheckedIOException(new IOException("no such folder: " + root));
        }
        List<SourceCollection> found = new ArrayList<>(collectionsIn(root, name(root)));
        for (Path folder : list(root)) {
            if (Files.isDirectory(folder)) {
                found.addAll(collectionsIn(folder, name(folder)));
            }
        }
        found.sort(Comparator.comparing(SourceCollection::database).thenComparing(SourceCollection::name));
        return found;
    }

    private static List<SourceCollection> collectionsIn(Path folder, String database) {
        List<SourceCollection> found = new ArrayList<>();
        for (Path file : list(folder)) {
            String fileName = name(file);
            if (!Files.isRegularFile(file) || fileName.contains(".metadata.json")) {
                continue;
            }
            String plain = fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
            Format format;
            String collection;
            if (plain.endsWith(".bson")) {
                format = Format.BSON;
                collection = plain.substring(0, plain.length() - 5);
            } else if (plain.endsWith(".json") || plain.endsWith(".jsonl") || plain.endsWith(".ndjson")) {
                format = Format.JSON;
                collection = plain.substring(0, plain.lastIndexOf('.'));
            } else {
                continue;
            }
            if (collection.startsWith("system.")) {
                continue;
            }
            Optional<Path> metadata = Stream.of(".metadata.json", ".metadata.json.gz")
                    .map(suffix -> folder.resolve(collection + suffix))
                    .filter(Files::isRegularFile)
                    .findFirst();
            found.add(new SourceCollection(database, collection, file, format, metadata));
        }
        return found;
    }

    /** Reads every document of {@code collection} into {@code sink}, telling {@code progress} the bytes of the file read. */
    static void read(SourceCollection collection, Sink sink, LongConsumer progress) {
        try (CountingStream counted = new CountingStream(Files.newInputStream(collection.file()), progress);
                InputStream in = new BufferedInputStream(
                        collection.file().toString().endsWith(".gz") ? new GZIPInputStream(counted) : counted,
                        1 << 16)) {
            if (collection.format() == Format.BSON) {
                readBson(in, sink);
            } else {
                readJson(in, sink);
            }
        } catch (IOException e) {
            sink.unreadable(collection.file().toString(), "cannot read the file: " + e.getMessage(), true);
        }
    }

    /** A collection's {@code .metadata.json}: its indexes among others; empty when absent or unreadable. */
    static Optional<BsonDocument> metadata(SourceCollection collection) {
        return collection.metadata().flatMap(path -> {
            try (InputStream raw = Files.newInputStream(path);
                    InputStream in = path.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                return Optional.of(BsonDocument.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    private static void readBson(InputStream in, Sink sink) throws IOException {
        long offset = 0;
        byte[] header = new byte[4];
        while (true) {
            int first = in.readNBytes(header, 0, 4);
            if (first == 0) {
                return;
            }
            String where = "byte " + offset;
            if (first < 4) {
                sink.unreadable(where, "the file ends inside a document's length", true);
                return;
            }
            int length = ByteBuffer.wrap(header)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getInt();
            if (length < 5 || length > MAX_DOCUMENT) {
                // without a trustworthy length there is no way to find where the next document starts
                sink.unreadable(
                        where,
                        "a document length of " + length + " bytes is impossible; the rest of the file is corrupt",
                        true);
                return;
            }
            byte[] bytes = new byte[length];
            System.arraycopy(header, 0, bytes, 0, 4);
            int body = in.readNBytes(bytes, 4, length - 4);
            if (body < length - 4) {
                sink.unreadable(
                        where, "the file ends inside a document (" + (body + 4) + " of " + length + " bytes)", true);
                return;
            }
            offset += length;
            decode(bytes, where, sink);
        }
    }

    private static void decode(byte[] bytes, String where, Sink sink) {
        BsonDocument document;
        try (BsonBinaryReader reader = new BsonBinaryReader(ByteBuffer.wrap(bytes))) {
            document = CODEC.decode(reader, DECODING);
        } catch (RuntimeException e) {
            // the length was sound, so the next document is where it says: only this one is lost
            sink.unreadable(where, "corrupt BSON: " + e.getMessage(), false);
            return;
        }
        sink.document(document);
    }

    private static void readJson(InputStream in, Sink sink) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("[")) {
            BsonArray array;
            try {
                array = BsonArray.parse(trimmed);
            } catch (RuntimeException e) {
                sink.unreadable("the array", "invalid extended JSON: " + e.getMessage(), true);
                return;
            }
            int index = 0;
            for (BsonValue value : array) {
                if (value.isDocument()) {
                    sink.document(value.asDocument());
                } else {
                    sink.unreadable("element " + index, "not a document but " + value.getBsonType(), false);
                }
                index++;
            }
            return;
        }
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                sink.document(BsonDocument.parse(lines[i]));
            } catch (RuntimeException e) {
                sink.unreadable("line " + (i + 1), "invalid extended JSON: " + e.getMessage(), false);
            }
        }
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    private static String name(Path path) {
        Path name = path.toAbsolutePath().normalize().getFileName();
        return name == null ? "" : name.toString();
    }

    /** Counts the compressed bytes read, for a progress that knows the files' sizes. */
    private static final class CountingStream extends java.io.FilterInputStream {
        private final LongConsumer progress;

        CountingStream(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int read = super.read();
            if (read >= 0) {
                progress.accept(1);
            }
            return read;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                progress.accept(read);
            }
            return read;
        }
    }
}
