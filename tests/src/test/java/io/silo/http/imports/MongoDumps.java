package io.silo.http.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.bson.BsonArray;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Writes what {@code mongodump} and {@code mongoexport} write, with MongoDB's own BSON library: a
 * {@code .bson} file (plain or gzipped) of concatenated documents next to its {@code .metadata.json},
 * and extended JSON as lines or one array.
 */
final class MongoDumps {
    private MongoDumps() {}

    /** The BSON bytes of {@code document}, as {@code mongodump} writes each one. */
    static byte[] bson(BsonDocument document) {
        BasicOutputBuffer buffer = new BasicOutputBuffer();
        new BsonDocumentCodec()
                .encode(
                        new BsonBinaryWriter(buffer),
                        document,
                        EncoderContext.builder().build());
        return buffer.toByteArray();
    }

    /** {@code <database>/<collection>.bson[.gz]} with {@code documents} followed by {@code trailing} bytes, and its metadata. */
    static void dump(
            Path root,
            String database,
            String collection,
            boolean gzip,
            List<BsonDocument> documents,
            byte[] trailing,
            BsonArray indexes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        documents.forEach(document -> bytes.writeBytes(bson(document)));
        bytes.writeBytes(trailing);
        Path folder = root.resolve(database);
        String suffix = gzip ? ".bson.gz" : ".bson";
        BsonDocument metadata =
                new BsonDocument("indexes", indexes).append("collectionName", new org.bson.BsonString(collection));
        write(folder.resolve(collection + suffix), bytes.toByteArray(), gzip);
        write(
                folder.resolve(collection + (gzip ? ".metadata.json.gz" : ".metadata.json")),
                metadata.toJson(JsonWriterSettings.builder()
                                .outputMode(JsonMode.RELAXED)
                                .build())
                        .getBytes(StandardCharsets.UTF_8),
                gzip);
    }

    /** {@code <database>/<collection>.json}: one extended-JSON document per line (canonical mode), and {@code extraLines} as they are. */
    static void exportLines(
            Path root, String database, String collection, List<BsonDocument> documents, String... extraLines) {
        StringBuilder text = new StringBuilder();
        JsonWriterSettings canonical =
                JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
        documents.forEach(document -> text.append(document.toJson(canonical)).append('\n'));
        for (String line : extraLines) {
            text.append(line).append('\n');
        }
        write(
                root.resolve(database).resolve(collection + ".json"),
                text.toString().getBytes(StandardCharsets.UTF_8),
                false);
    }

    /** {@code <database>/<collection>.json} as one array ({@code mongoexport --jsonArray}, relaxed mode). */
    static void exportArray(Path root, String database, String collection, List<BsonDocument> documents) {
        JsonWriterSettings relaxed =
                JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
        String text = "["
                + String.join(
                        ",\n",
                        documents.stream()
                                .map(document -> document.toJson(relaxed))
                                .toList()) + "]";
        write(root.resolve(database).resolve(collection + ".json"), text.getBytes(StandardCharsets.UTF_8), false);
    }

    private static void write(Path file, byte[] bytes, boolean gzip) {
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out =
                    gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
