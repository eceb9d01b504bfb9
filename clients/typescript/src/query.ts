/** The meta fields Silo keeps with every document. */
export interface Meta {
  _id: string;
  _version: number;
  _createdAt: string;
  _updatedAt: string;
}

/** A stored document: the body of type `T` and its meta fields. */
export type Stored<T> = T & Meta;

type Scalar = string | number | boolean | null;

/** The operators one field may be compared with (docs/query-language.md). */
export interface Operators<V> {
  $eq?: V;
  $ne?: V;
  $gt?: V & (string | number | boolean);
  $gte?: V & (string | number | boolean);
  $lt?: V & (string | number | boolean);
  $lte?: V & (string | number | boolean);
  $in?: (V | null)[];
  $nin?: V[];
  $exists?: boolean;
  /** An array holding the value (or all of an array's), or an object holding those members. */
  $contains?: V extends (infer E)[] ? E | E[] : V extends object ? Partial<V> : never;
  $not?: Operators<V>;
}

type FieldValue<V> = V | Operators<V>;

/**
 * A filter over documents of type `T`: its fields and the meta fields by name, with a value (equality)
 * or operators; nested fields by dotted path (`"customer.city"`, checked by the server); and `$and`,
 * `$or`, `$nor`, `$not` of filters. `{}` matches every document.
 */
export type Filter<T = Record<string, unknown>> = {
  [K in keyof Stored<T> & string]?: FieldValue<Stored<T>[K]>;
} & {
  [path: `${string}.${string}`]: FieldValue<Scalar | object> | undefined;
} & {
  $and?: Filter<T>[];
  $or?: Filter<T>[];
  $nor?: Filter<T>[];
  $not?: Filter<T>;
};

type Paths<T> = keyof T & string | `${string}.${string}`;

/** A change by update operators, applied to the document as it is when the write commits. */
export interface Update<T = Record<string, unknown>> {
  $set?: { [K in Paths<T>]?: unknown };
  $unset?: { [K in Paths<T>]?: "" | true };
  $inc?: { [K in Paths<T>]?: number };
  $push?: { [K in Paths<T>]?: unknown };
  $addToSet?: { [K in Paths<T>]?: unknown };
  $pull?: { [K in Paths<T>]?: unknown };
}

/** A query of a collection. */
export interface Query<T = Record<string, unknown>> {
  filter?: Filter<T>;
  /** Sort keys, each optionally prefixed with `-` (descending): `["status", "-total"]`. */
  sort?: string[];
  /** Page size, 1 to 1000 (default 50). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** The body fields to return; meta fields always come. */
  fields?: string[];
}

/** One page and the cursor of the next one (`null` on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** How a write is sent. */
export interface WriteOptions<T = Record<string, unknown>> {
  /** Sent again with the same key (after a timeout, say), the write is done once. */
  idempotencyKey?: string;
  /** The write happens only while the document is at this version (else 409 `version-conflict`). */
  ifVersion?: number;
  /** The write happens only while the document matches (else 409 `condition-failed`). */
  if?: Filter<T>;
}

/** A grouping (docs/query-language.md#grouping). */
export interface Grouping<T = Record<string, unknown>> {
  /** Fields, or a date field and a bucket: `["cashierId", "soldAt:day"]`. */
  by: string[];
  metric?: string;
  /** IANA time zone of the date buckets, e.g. `Europe/Berlin`. */
  tz?: string;
  order?: "count" | "keys";
  filter?: Filter<T>;
  limit?: number;
}

/** A fresh idempotency key: keep it with the request and send it again with any retry. */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}
