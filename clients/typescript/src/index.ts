export { SiloClient, Collection, DocumentFiles, Batch, Users } from "./client.js";
export type {
  SiloClientOptions, SignIn, Tokens, TokenPair, MemberSignIn, Me, User, NewUser, UserChanges,
  StoredFile, GroupResult, BatchResult,
} from "./client.js";
export { SiloProblem } from "./problem.js";
export type { ProblemType, ProblemSlug, ProblemDocument } from "./problem.js";
export { newIdempotencyKey } from "./query.js";
export type { Filter, Operators, Update, Query, Page, WriteOptions, Grouping, Meta, Stored } from "./query.js";
export type { components, paths, operations } from "./generated/openapi.js";
