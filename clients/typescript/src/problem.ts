import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];
type TypeOf<S> = S extends { type?: infer T } ? Extract<T, `urn:silo:problem:${string}`> : never;

/** Every problem type the API description lists, by status (`urn:silo:problem:version-conflict`). */
export type ProblemType = TypeOf<
  | Schemas["Problem400"] | Schemas["Problem401"] | Schemas["Problem403"] | Schemas["Problem404"]
  | Schemas["Problem405"] | Schemas["Problem409"] | Schemas["Problem410"] | Schemas["Problem413"]
  | Schemas["Problem415"] | Schemas["Problem416"] | Schemas["Problem422"] | Schemas["Problem429"]
  | Schemas["Problem500"] | Schemas["Problem503"]
>;

/** A problem type without its prefix: `version-conflict`. */
export type ProblemSlug = ProblemType extends `urn:silo:problem:${infer Slug}` ? Slug : never;

/** The members a problem document may carry beyond the standard ones (`currentVersion`, `errors` …). */
export type ProblemDocument = Schemas["Problem"];

const PREFIX = "urn:silo:problem:";
const STANDARD = new Set(["type", "title", "status", "detail", "instance", "requestId"]);

/**
 * A refusal by Silo: its RFC 9457 problem document, typed. Branch on `slug` (or `is("duplicate-key")`);
 * `detail` is for people; extension members are in `extensions` and on `problem`.
 */
export class SiloProblem extends Error {
  readonly type: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly instance: string;
  readonly requestId: string;
  /** Members beyond type, title, status, detail, instance and requestId. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** The whole problem document as it came. */
  readonly problem: ProblemDocument;
  /** Seconds the server asked to wait (`Retry-After`), on a 429 or 503. */
  readonly retryAfter: number | undefined;

  constructor(status: number, problem: ProblemDocument, retryAfter?: number) {
    super(`${status} ${problem.type}: ${problem.detail}`);
    this.name = "SiloProblem";
    this.type = problem.type ?? "about:blank";
    this.status = problem.status ?? status;
    this.title = problem.title ?? "";
    this.detail = problem.detail ?? "";
    this.instance = problem.instance ?? "";
    this.requestId = problem.requestId ?? "";
    this.extensions = Object.fromEntries(Object.entries(problem).filter(([key]) => !STANDARD.has(key)));
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** The type without its prefix: `version-conflict`. */
  get slug(): ProblemSlug | string {
    return this.type.startsWith(PREFIX) ? this.type.substring(PREFIX.length) : this.type;
  }

  /** Whether this is a problem of that type. */
  is(slug: ProblemSlug): boolean {
    return this.slug === slug;
  }
}
