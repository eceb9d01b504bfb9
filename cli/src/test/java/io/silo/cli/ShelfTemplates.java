package io.silo.cli;

/** Two versions of a small service for the CLI's tests: version 2 adds a collection and sets a default. */
final class ShelfTemplates {
    private ShelfTemplates() {}

    static final String V1 = """
            service: shelf
            version: 1
            roles:
              keeper: {read: ["*"], write: ["*"]}
            collections:
              books: {}
            migrations:
              - version: 1
            """;

    static final String V2 = """
            service: shelf
            version: 2
            roles:
              keeper: {read: ["*"], write: ["*"]}
            collections:
              books: {}
              loans: {}
            migrations:
              - version: 1
              - version: 2
                operations:
                  - addCollection: {collection: loans}
                  - setDefault: {collection: books, field: status, value: on shelf}
            """;
}
