// The TypeScript client against a live Silo with the demo loaded (test/run.mjs starts one).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { SiloClient, SiloProblem, newIdempotencyKey } from "../dist/index.js";

const baseUrl = process.env.SILO_URL;
const shop = { organization: "green-bottle-liquor", email: "owner@greenbottle.example.com", password: "owner123" };
const run = Date.now().toString(36); // a prefix of this run's SKUs: the demo's data stay around them

async function owner() {
  const silo = new SiloClient({ baseUrl });
  await silo.signIn(shop);
  return silo;
}

async function rejects(promise, slug, status) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof SiloProblem, `a SiloProblem, not ${error}`);
    assert.equal(error.slug, slug);
    if (status) assert.equal(error.status, status);
    return true;
  });
}

describe("sessions", () => {
  it("signs in a member and tells who it is", async () => {
    const silo = new SiloClient({ baseUrl });
    const answer = await silo.signIn(shop);
    assert.deepEqual(answer.services, ["pos"]);
    const me = await silo.me();
    assert.equal(me.kind, "user");
    assert.equal(me.organization.slug, "green-bottle-liquor");
  });

  it("refreshes once for every request that met a refused token, and sends each again", async () => {
    const real = (await owner()).tokens;
    const heard = [];
    const silo = new SiloClient({
      baseUrl,
      tokens: { ...real, accessToken: `${real.accessToken}x` }, // refused as invalid-token, as an expired one is
      onTokens: (tokens) => heard.push(tokens),
    });
    const products = silo.collection("pos", "products");
    const counts = await Promise.all(Array.from({ length: 8 }, () => products.count()));
    assert.ok(counts.every((count) => count >= 8));
    assert.equal(heard.length, 1, "one refresh: a second would spend a spent refresh token");
    assert.notEqual(heard[0].refreshToken, real.refreshToken);
    assert.deepEqual(silo.tokens, heard[0]);
  });

  it("ends with the refresh's problem when the session cannot be refreshed", async () => {
    const real = (await owner()).tokens;
    const heard = [];
    const silo = new SiloClient({ baseUrl, tokens: { ...real, accessToken: "x", refreshToken: "nope" }, onTokens: (t) => heard.push(t) });
    await rejects(silo.me(), "invalid-refresh-token", 401);
    assert.equal(silo.tokens, null);
    assert.deepEqual(heard, [null]);
    await rejects(silo.me(), "missing-token", 401);
  });

  it("signs out on the server", async () => {
    const silo = await owner();
    const tokens = silo.tokens;
    await silo.signOut();
    assert.equal(silo.tokens, null);
    await rejects(new SiloClient({ baseUrl, tokens }).me(), "invalid-refresh-token", 401);
  });
});

describe("collections", () => {
  it("writes documents and finds them with typed filters, sorts and pages", async () => {
    const products = (await owner()).collection("pos", "products");
    for (let i = 1; i <= 5; i++) {
      await products.insert({ name: `Wine ${i}`, sku: `${run}-W${i}`, price: i + 0.5, stock: i, category: `test-${run}` });
    }
    const mine = { category: `test-${run}` };
    const page = await products.query({ filter: { ...mine, price: { $lt: 4 } }, sort: ["-price"], limit: 2 });
    assert.deepEqual(page.items.map((p) => p.sku), [`${run}-W3`, `${run}-W2`]);
    assert.ok(page.nextCursor);
    const all = [];
    for await (const product of products.all({ filter: { $and: [mine, { stock: { $gte: 2, $lt: 5 } }] }, sort: ["stock"], limit: 2 })) {
      all.push(product.stock);
    }
    assert.deepEqual(all, [2, 3, 4]);
    assert.equal(await products.count({ $or: [{ sku: `${run}-W1` }, { sku: { $in: [`${run}-W4`, `${run}-W5`] } }] }), 3);
    assert.equal(await products.count({ ...mine, stock: { $not: { $gt: 2 } } }), 2);
    const only = await products.query({ filter: { sku: `${run}-W1` }, fields: ["name"] });
    assert.deepEqual(Object.keys(only.items[0]).sort(), ["_createdAt", "_id", "_updatedAt", "_version", "name"]);

    const wine = (await products.query({ filter: { sku: `${run}-W1` } })).items[0];
    const sold = await products.update(wine._id, { $inc: { stock: -1 }, $set: { lastSaleAt: "2026-12-06T10:00:00Z" } }, { if: { stock: { $gte: 1 } } });
    assert.equal(sold.stock, 0);
    const renamed = await products.patch(wine._id, { name: "Red Wine" }, { ifVersion: 2 });
    assert.equal(renamed._version, 3);
    const replaced = await products.replace(wine._id, { name: "Red", sku: `${run}-W1`, price: 2, category: `test-${run}` });
    assert.equal(replaced.lastSaleAt, undefined);
    const groups = await products.group({ by: ["category"], metric: "price", filter: mine });
    assert.equal(groups.groups[0].count, 5);
    assert.equal(groups.groups[0].sum, 2 + 2.5 + 3.5 + 4.5 + 5.5);
    await products.delete(wine._id);
    assert.equal(await products.find(wine._id), null);
    // an id of ".." would name another route; the client refuses it before sending
    await assert.rejects(products.get(".."), /may not be '\.\.'/);
  });

  it("turns refusals into typed problems with their extension members", async () => {
    const products = (await owner()).collection("pos", "products");
    const rum = await products.insert({ name: "Rum", sku: `${run}-R1`, price: 20, stock: 1 });
    await assert.rejects(products.insert({ name: "Rum", sku: `${run}-R1`, price: 20 }), (error) => {
      assert.ok(error instanceof SiloProblem);
      assert.equal(error.type, "urn:silo:problem:duplicate-key");
      assert.equal(error.status, 409);
      assert.ok(error.title && error.detail && error.requestId);
      assert.deepEqual(error.extensions.fields, ["sku"]);
      assert.ok(error.is("duplicate-key"));
      return true;
    });
    await assert.rejects(products.patch(rum._id, { price: 21 }, { ifVersion: 9 }), (error) => error.slug === "version-conflict" && error.extensions.currentVersion === 1);
    await rejects(products.update(rum._id, { $inc: { stock: -2 } }, { if: { stock: { $gte: 2 } } }), "condition-failed", 409);
    await assert.rejects(products.update(rum._id, { $inc: { stock: -2 } }), (error) => error.slug === "schema-violation" && error.extensions.errors[0].path === "/stock");
    await rejects(products.query({ filter: { price: { $regex: "x" } } }), "invalid-filter", 400);
    assert.equal((await products.get(rum._id)).stock, 1, "nothing was written");
  });

  it("does a write sent again with its idempotency key once", async () => {
    const products = (await owner()).collection("pos", "products");
    const idempotencyKey = newIdempotencyKey();
    const body = { name: "Cider", sku: `${run}-C1`, price: 4 };
    const first = await products.insert(body, { idempotencyKey });
    const again = await products.insert(body, { idempotencyKey });
    assert.equal(again._id, first._id);
    assert.equal(await products.count({ sku: `${run}-C1` }), 1);
    await rejects(products.insert({ ...body, sku: `${run}-C2` }, { idempotencyKey }), "idempotency-key-reused", 422);
  });

  it("writes a batch all or nothing", async () => {
    const silo = await owner();
    const products = silo.collection("pos", "products");
    const beer = await products.insert({ name: "Beer", sku: `${run}-B1`, price: 2, stock: 10 });
    const idempotencyKey = newIdempotencyKey();
    const batch = () => silo.batch("pos")
      .insert("products", { name: "Stout", sku: `${run}-B2`, price: 3 })
      .patch("products", beer._id, { $inc: { stock: -4 } }, { if: { stock: { $gte: 4 } }, ifVersion: 1 });
    const results = await batch().commit({ idempotencyKey });
    assert.deepEqual(results.map((r) => r.op), ["insert", "patch"]);
    assert.equal(results[1].document.stock, 6);
    assert.equal((await batch().commit({ idempotencyKey }))[1].document.stock, 6, "replayed, not done twice");

    const stout = results[0].document._id;
    await assert.rejects(
      silo.batch("pos").delete("products", stout).patch("products", beer._id, { $inc: { stock: -7 } }, { if: { stock: { $gte: 7 } } }).commit(),
      (error) => error.slug === "condition-failed" && error.extensions.operation === 1,
    );
    assert.ok(await products.find(stout), "the delete was undone with the batch");
  });

  it("stores, reads, signs and deletes files of a document", async () => {
    const products = (await owner()).collection("pos", "products");
    const port = await products.insert({ name: "Port", sku: `${run}-P1`, price: 12 });
    const files = products.files(port._id);
    const image = new TextEncoder().encode("\u0089PNG not really, but a PNG by its type");
    const stored = await files.upload("label.png", "image/png", image);
    assert.equal(stored.size, image.length);
    assert.equal(stored.sha256, createHash("sha256").update(image).digest("hex"));
    assert.deepEqual((await files.list()).map((f) => f.name), ["label.png"]);
    assert.deepEqual(await files.download(stored.id), image);
    const { url } = await files.signedUrl(stored.id, 60);
    const anonymous = await fetch(url);
    assert.equal(anonymous.status, 200);
    assert.deepEqual(new Uint8Array(await anonymous.arrayBuffer()), image);
    await rejects(files.upload("page.html", "text/html", "<p>"), "file-type-not-allowed", 415);
    await files.delete(stored.id);
    assert.deepEqual(await files.list(), []);
  });
});

describe("users", () => {
  it("lets an organization's administrator manage its users", async () => {
    const users = (await owner()).users();
    const email = `till-${run}@greenbottle.example.com`;
    const till = await users.create({ email, name: "Till", password: "correct horse battery", services: { pos: "cashier" } });
    assert.equal(till.services.pos, "cashier");
    assert.equal(till.services.core, "member");
    const changed = await users.update(till.id, { name: "Till Two", services: { pos: "manager" } });
    assert.equal(changed.version, till.version + 1);
    assert.equal((await users.get(till.id)).services.pos, "manager");
    assert.deepEqual((await users.list({ q: `till-${run}` })).items.map((u) => u.name), ["Till Two"]);
    await rejects(users.create({ email, name: "Copy", password: "correct horse battery" }), "email-taken", 409);
    await users.delete(till.id);
    await rejects(users.get(till.id), "user-not-found", 404);
  });

  it("lets a platform administrator manage any organization's users", async () => {
    const admin = new SiloClient({ baseUrl });
    await admin.signIn({ admin: true, email: process.env.SILO_ADMIN_EMAIL, password: process.env.SILO_ADMIN_PASSWORD });
    const users = admin.users("green-bottle-liquor");
    const clerk = await users.create({ username: `clerk-${run}`, name: "Clerk", password: "correct horse battery", services: { pos: "cashier" } });
    assert.ok((await users.list({ q: `clerk-${run}` })).items.some((u) => u.id === clerk.id));
    await users.delete(clerk.id);
  });
});
