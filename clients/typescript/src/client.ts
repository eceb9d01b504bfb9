import type { components } from "./generated/openapi.js";
import { SiloProblem, type ProblemDocument } from "./problem.js";
import type { Filter, Grouping, Page, Query, Stored, Update, WriteOptions } from "./query.js";

type Schemas = components["schemas"];
export type TokenPair = Schemas["TokenPair"];
export type MemberSignIn = Schemas["MemberSignIn"];
export type Me = Schemas["Me"];
export type User = Schemas["User"];
export type NewUser = Schemas["UserCreateRequest"];
export type UserChanges = Schemas["UserPatchRequest"];
export type StoredFile = Schemas["StoredFile"];
export type GroupResult = Schemas["GroupResult"];
export type BatchResult = Schemas["BatchResult"]["results"][number];

/** A session's tokens; the refresh token is spent by its use, so keep only the newest pair. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Credentials for {@link SiloClient.signIn}. */
export type SignIn =
  | { organization?: string; email: string; password: string }
  | { organization?: string; username: string; password: string }
  | { admin: true; email: string; password: string; totp?: string; recoveryCode?: string };

export interface SiloClientOptions {
  /** Where Silo answers: `http://localhost:8080`. */
  baseUrl: string;
  /** Start signed in, with a session kept from before (a cookie, a store). */
  tokens?: Tokens;
  /** Hears of every new pair (sign-in, refresh) and of the session's end (`null`). */
  onTokens?: (tokens: Tokens | null) => void;
  /** The fetch to send with; the global one by default. */
  fetch?: typeof fetch;
  /** How long one request may take, in milliseconds; 30 000 by default. */
  timeoutMs?: number;
}

interface Call {
  method: string;
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string | undefined>;
  body?: BodyInit;
  json?: unknown;
  anonymous?: boolean;
}

const INVALID_TOKEN = "urn:silo:problem:invalid-token";

/**
 * A client of one Silo for one caller at a time. After {@link signIn}, every request carries the access
 * token; when the server refuses it as no longer valid (401 `invalid-token`: expired or revoked), the
 * client refreshes once, however many requests met the refusal together, and sends each of them once
 * more. A refusal is thrown as {@link SiloProblem}.
 */
export class SiloClient {
  readonly baseUrl: string;
  #tokens: Tokens | null;
  #refreshing: Promise<Tokens> | null = null;
  readonly #onTokens: (tokens: Tokens | null) => void;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: SiloClientOptions) {
    const url = new URL(options.baseUrl);
    this.baseUrl = url.href.endsWith("/") ? url.href : `${url.href}/`;
    this.#tokens = options.tokens ?? null;
    this.#onTokens = options.onTokens ?? (() => {});
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The current tokens, or `null` when not signed in. */
  get tokens(): Tokens | null {
    return this.#tokens;
  }

  /** Signs in; from now on every request is this caller's. */
  async signIn(credentials: SignIn): Promise<MemberSignIn | TokenPair> {
    const { admin, ...body } = credentials as SignIn & { admin?: boolean };
    const path = admin ? "/api/admin/auth/login" : "/api/auth/login";
    const answer = (await this.#json({ method: "POST", path, json: body, anonymous: true })) as MemberSignIn;
    this.#setTokens(pair(answer));
    return answer;
  }

  /** Ends the session on the server and forgets it here. */
  async signOut(): Promise<void> {
    const tokens = this.#tokens;
    if (!tokens) return;
    try {
      await this.#send({ method: "POST", path: "/api/auth/logout", json: { refreshToken: tokens.refreshToken }, anonymous: true });
    } finally {
      this.#setTokens(null);
    }
  }

  /** Who the caller is, read afresh. */
  me(): Promise<Me> {
    return this.#json({ method: "GET", path: "/api/auth/me" }) as Promise<Me>;
  }

  /** A collection of a service; `T` is the body of its documents. */
  collection<T extends object = Record<string, unknown>>(service: string, name: string): Collection<T> {
    return new Collection<T>(this, service, name);
  }

  /** A new batch of writes to one service's collections, all or nothing. */
  batch(service: string): Batch {
    return new Batch(this, service);
  }

  /** The users of the caller's organization, or, for a platform administrator, of `organization`. */
  users(organization?: string): Users {
    return new Users(this, organization ? `/api/admin/organizations/${segment(organization)}/users` : "/api/users");
  }

  /** Any route, its answer as JSON (undefined when empty); for routes without a method here. */
  request<R = unknown>(method: string, path: string, options: { query?: Call["query"]; json?: unknown; headers?: Call["headers"] } = {}): Promise<R> {
    return this.#json({ method, path, ...options }) as Promise<R>;
  }

  /** @internal */
  async _json(call: Call): Promise<unknown> {
    return this.#json(call);
  }

  /** @internal */
  async _send(call: Call): Promise<Response> {
    return this.#send(call);
  }

  /** @internal */
  _resolve(path: string): string {
    return new URL(path.replace(/^\//, ""), this.baseUrl).href;
  }

  async #json(call: Call): Promise<unknown> {
    const response = await this.#send(call);
    const text = await response.text();
    return text.length === 0 ? undefined : JSON.parse(text);
  }

  async #send(call: Call): Promise<Response> {
    const token = call.anonymous ? undefined : this.#tokens?.accessToken;
    let response = await this.#exchange(call, token);
    if (response.status === 401 && token) {
      const problem = await readProblem(response);
      if (problem.type !== INVALID_TOKEN) throw toProblem(response, problem);
      const fresh = await this.#refreshAfter(token);
      if (!fresh) throw toProblem(response, problem);
      response = await this.#exchange(call, fresh);
    }
    if (response.status >= 400) throw toProblem(response, await readProblem(response));
    return response;
  }

  /** One refresh for every request that met the refused token; the others wait for it. */
  async #refreshAfter(refused: string): Promise<string | undefined> {
    const current = this.#tokens;
    if (!current) return undefined;
    if (current.accessToken !== refused) return current.accessToken; // refreshed meanwhile
    if (!this.#refreshing) {
      this.#refreshing = this.#refresh(current).finally(() => {
        this.#refreshing = null;
      });
    }
    return (await this.#refreshing).accessToken;
  }

  async #refresh(current: Tokens): Promise<Tokens> {
    const response = await this.#exchange(
      { method: "POST", path: "/api/auth/refresh", json: { refreshToken: current.refreshToken }, anonymous: true },
      undefined,
    );
    if (response.status !== 200) {
      this.#setTokens(null);
      throw toProblem(response, await readProblem(response));
    }
    const tokens = pair((await response.json()) as TokenPair);
    this.#setTokens(tokens);
    return tokens;
  }

  #setTokens(tokens: Tokens | null): void {
    this.#tokens = tokens;
    this.#onTokens(tokens);
  }

  async #exchange(call: Call, token: string | undefined): Promise<Response> {
    const url = new URL(call.path.replace(/^\//, ""), this.baseUrl);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Accept: "application/json, application/problem+json, */*" };
    for (const [name, value] of Object.entries(call.headers ?? {})) {
      if (value !== undefined) headers[name] = value;
    }
    let body = call.body;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers["Content-Type"] = "application/json";
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    return this.#fetch(url, { method: call.method, headers, body, signal: AbortSignal.timeout(this.#timeoutMs) });
  }
}

function pair(answer: TokenPair): Tokens {
  return { accessToken: answer.accessToken, refreshToken: answer.refreshToken, expiresIn: answer.expiresIn };
}

async function readProblem(response: Response): Promise<ProblemDocument> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as ProblemDocument;
  } catch {
    // not JSON: a proxy's page; the status still says what happened
  }
  return { type: "about:blank", title: response.statusText, status: response.status, detail: text, instance: "", requestId: "" };
}

function toProblem(response: Response, problem: ProblemDocument): SiloProblem {
  const retryAfter = response.headers.get("Retry-After");
  return new SiloProblem(response.status, problem, retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined);
}

function segment(value: string): string {
  if (value.trim() === "") throw new Error("a path segment may not be blank");
  // "." and ".." survive encodeURIComponent and would name another route
  if (value === "." || value === "..") throw new Error(`a path segment may not be '${value}'`);
  return encodeURIComponent(value);
}

function writeCall<T>(call: Call, options: WriteOptions<T> = {}): Call {
  return {
    ...call,
    headers: {
      ...call.headers,
      "Idempotency-Key": options.idempotencyKey,
      "If-Match": options.ifVersion !== undefined ? `"${options.ifVersion}"` : undefined,
    },
    query: { ...call.query, if: options.if ? JSON.stringify(options.if) : undefined },
  };
}

function queryParameters<T>(query: Query<T>): Call["query"] {
  return {
    filter: query.filter && Object.keys(query.filter).length > 0 ? JSON.stringify(query.filter) : undefined,
    sort: query.sort?.length ? query.sort.join(",") : undefined,
    limit: query.limit,
    cursor: query.cursor,
    fields: query.fields?.length ? query.fields.join(",") : undefined,
  };
}

/** One collection of a service, as the signed-in member may use it. */
export class Collection<T extends object = Record<string, unknown>> {
  readonly #client: SiloClient;
  readonly #path: string;

  constructor(client: SiloClient, readonly service: string, readonly name: string) {
    this.#client = client;
    this.#path = `/api/data/${segment(service)}/${segment(name)}`;
  }

  /** One page of the documents the query matches. */
  async query(query: Query<T> = {}): Promise<Page<Stored<T>>> {
    return (await this.#client._json({ method: "GET", path: this.#path, query: queryParameters(query) })) as Page<Stored<T>>;
  }

  /** Every document the query matches, page after page as they are read. */
  async *all(query: Query<T> = {}): AsyncGenerator<Stored<T>> {
    let page = await this.query(query);
    for (;;) {
      yield* page.items;
      if (!page.nextCursor) return;
      page = await this.query({ ...query, cursor: page.nextCursor });
    }
  }

  /** How many documents match. */
  async count(filter: Filter<T> = {}): Promise<number> {
    const query = Object.keys(filter).length > 0 ? { filter: JSON.stringify(filter) } : {};
    const answer = (await this.#client._json({ method: "GET", path: `${this.#path}/_count`, query })) as { count: number };
    return answer.count;
  }

  /** Counts and exact sums per group. */
  async group(grouping: Grouping<T>): Promise<GroupResult> {
    const query = {
      by: grouping.by.join(","),
      metric: grouping.metric,
      tz: grouping.tz,
      order: grouping.order,
      filter: grouping.filter && Object.keys(grouping.filter).length > 0 ? JSON.stringify(grouping.filter) : undefined,
      limit: grouping.limit,
    };
    return (await this.#client._json({ method: "GET", path: `${this.#path}/_group`, query })) as GroupResult;
  }

  /** The document; 404 `document-not-found` is thrown. */
  async get(id: string): Promise<Stored<T>> {
    return (await this.#client._json({ method: "GET", path: this.#document(id) })) as Stored<T>;
  }

  /** The document, or `null` when there is none within the caller's reach. */
  async find(id: string): Promise<Stored<T> | null> {
    try {
      return await this.get(id);
    } catch (error) {
      if (error instanceof SiloProblem && error.is("document-not-found")) return null;
      throw error;
    }
  }

  /** Stores a new document (`_id` may be given). */
  async insert(document: T & { _id?: string }, options: WriteOptions<T> = {}): Promise<Stored<T>> {
    return (await this.#client._json(writeCall({ method: "POST", path: this.#path, json: document }, options))) as Stored<T>;
  }

  /** Replaces the document's body. */
  async replace(id: string, document: T, options: WriteOptions<T> = {}): Promise<Stored<T>> {
    return (await this.#client._json(writeCall({ method: "PUT", path: this.#document(id), json: document }, options))) as Stored<T>;
  }

  /** A JSON merge patch (RFC 7386): `null` removes a member. */
  async patch(id: string, patch: { [K in keyof T]?: T[K] | null }, options: WriteOptions<T> = {}): Promise<Stored<T>> {
    return (await this.#client._json(writeCall({ method: "PATCH", path: this.#document(id), json: patch }, options))) as Stored<T>;
  }

  /** Changes the document by update operators (`$inc` …), computed from it as it is at commit. */
  async update(id: string, update: Update<T>, options: WriteOptions<T> = {}): Promise<Stored<T>> {
    return (await this.#client._json(writeCall({ method: "PATCH", path: this.#document(id), json: update }, options))) as Stored<T>;
  }

  async delete(id: string, options: WriteOptions<T> = {}): Promise<void> {
    await this.#client._json(writeCall({ method: "DELETE", path: this.#document(id) }, options));
  }

  /** The files of one document. */
  files(id: string): DocumentFiles {
    return new DocumentFiles(this.#client, `${this.#document(id)}/_files`);
  }

  #document(id: string): string {
    return `${this.#path}/${segment(id)}`;
  }
}

/** The files of one document. */
export class DocumentFiles {
  readonly #client: SiloClient;
  readonly #path: string;

  constructor(client: SiloClient, path: string) {
    this.#client = client;
    this.#path = path;
  }

  /** Stores the bytes as a file of `contentType`. */
  async upload(name: string, contentType: string, data: Blob | ArrayBuffer | Uint8Array | string): Promise<StoredFile> {
    return (await this.#client._json({
      method: "POST",
      path: this.#path,
      query: { name },
      headers: { "Content-Type": contentType },
      body: data as BodyInit,
    })) as StoredFile;
  }

  /** The document's files, oldest first. */
  async list(): Promise<StoredFile[]> {
    return ((await this.#client._json({ method: "GET", path: this.#path })) as { items: StoredFile[] }).items;
  }

  /** The file's bytes. */
  async download(fileId: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.open(fileId)).arrayBuffer());
  }

  /** The open response, for streaming its body (`response.body`) or passing it on. */
  async open(fileId: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.#client._send({ method: "GET", path: `${this.#path}/${segment(fileId)}`, headers });
  }

  async delete(fileId: string): Promise<void> {
    await this.#client._json({ method: "DELETE", path: `${this.#path}/${segment(fileId)}` });
  }

  /** An absolute URL that reads the file without a token until `expiresAt` (`<img src>`). */
  async signedUrl(fileId: string, ttlSeconds?: number): Promise<{ url: string; expiresAt: string }> {
    const answer = (await this.#client._json({
      method: "POST",
      path: `${this.#path}/${segment(fileId)}/_url`,
      query: { ttl: ttlSeconds },
    })) as Schemas["SignedFileUrl"];
    return { url: this.#client._resolve(answer.url), expiresAt: answer.expiresAt };
  }
}

type BatchOperation = Schemas["BatchOperation"];

/** Several writes to one service's collections in one transaction; a refused one undoes them all. */
export class Batch {
  readonly #client: SiloClient;
  readonly #path: string;
  readonly #operations: BatchOperation[] = [];

  constructor(client: SiloClient, service: string) {
    this.#client = client;
    this.#path = `/api/data/${segment(service)}/_batch`;
  }

  insert(collection: string, body: object): this {
    this.#operations.push({ op: "insert", collection, body: body as Record<string, unknown> } as BatchOperation);
    return this;
  }

  replace(collection: string, id: string, body: object, options: { ifVersion?: number; if?: Filter } = {}): this {
    return this.#change("replace", collection, id, body, options);
  }

  /** A merge patch, or update operators. */
  patch(collection: string, id: string, body: object, options: { ifVersion?: number; if?: Filter } = {}): this {
    return this.#change("patch", collection, id, body, options);
  }

  delete(collection: string, id: string, options: { ifVersion?: number; if?: Filter } = {}): this {
    return this.#change("delete", collection, id, undefined, options);
  }

  /** Sends the batch; with an idempotency key, sent again it is done once. */
  async commit(options: { idempotencyKey?: string } = {}): Promise<BatchResult[]> {
    const answer = (await this.#client._json(
      writeCall({ method: "POST", path: this.#path, json: { operations: this.#operations } }, options),
    )) as Schemas["BatchResult"];
    return answer.results;
  }

  #change(op: "replace" | "patch" | "delete", collection: string, id: string, body: object | undefined, options: { ifVersion?: number; if?: Filter }): this {
    const operation: Record<string, unknown> = { op, collection, id };
    if (body !== undefined) operation.body = body;
    if (options.ifVersion !== undefined) operation.version = options.ifVersion;
    if (options.if !== undefined) operation.if = options.if;
    this.#operations.push(operation as BatchOperation);
    return this;
  }
}

/** The users of an organization. */
export class Users {
  readonly #client: SiloClient;
  readonly #path: string;

  constructor(client: SiloClient, path: string) {
    this.#client = client;
    this.#path = path;
  }

  /** One page of users, oldest first; `q` matches email, username or name. */
  async list(query: { status?: "active" | "disabled"; q?: string; limit?: number; cursor?: string } = {}): Promise<Page<User>> {
    return (await this.#client._json({ method: "GET", path: this.#path, query })) as Page<User>;
  }

  async get(id: string): Promise<User> {
    return (await this.#client._json({ method: "GET", path: `${this.#path}/${segment(id)}` })) as User;
  }

  async create(user: NewUser): Promise<User> {
    return (await this.#client._json({ method: "POST", path: this.#path, json: user })) as User;
  }

  async update(id: string, changes: UserChanges): Promise<User> {
    return (await this.#client._json({ method: "PATCH", path: `${this.#path}/${segment(id)}`, json: changes })) as User;
  }

  async delete(id: string): Promise<void> {
    await this.#client._json({ method: "DELETE", path: `${this.#path}/${segment(id)}` });
  }
}
