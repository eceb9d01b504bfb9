// Runs the route handler of docs/guides/nextjs.md, as the page shows it, against the demo
// (test/run.mjs starts one): the code block is taken out of the page, compiled with TypeScript, and
// its GET and POST are called with Requests as Next.js calls them.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const guide = readFileSync(resolve(here, "../../../docs/guides/nextjs.md"), "utf8");
const MARKER = "// app/api/products/low-stock/route.ts";

function handlerModule() {
  const block = guide.split("```ts\n").find((part) => part.startsWith(MARKER));
  assert.ok(block, `the guide has a ts block starting with ${MARKER}`);
  const source = block.slice(0, block.indexOf("```"));
  const diagnostics = [];
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
    diagnostics,
  });
  assert.deepEqual(diagnostics, [], "the guide's code compiles");
  const client = pathToFileURL(resolve(here, "../dist/index.js")).href;
  const file = join(mkdtempSync(join(tmpdir(), "silo-guide-")), "route.mjs");
  writeFileSync(file, outputText.replace(`from "@silo/client"`, `from ${JSON.stringify(client)}`));
  return file;
}

describe("the Next.js guide's route handler", () => {
  let route;
  let file;
  before(async () => {
    process.env.SILO_EMAIL = "manager@greenbottle.example.com";
    process.env.SILO_PASSWORD = "manager123";
    file = handlerModule();
    route = await import(pathToFileURL(file).href);
  });
  after(() => rmSync(dirname(file), { recursive: true, force: true }));

  it("lists the products below a stock, lowest first, and books deliveries once per key", async () => {
    const listed = await route.GET(new Request("http://localhost:3000/api/products/low-stock?below=100000"));
    assert.equal(listed.status, 200);
    const products = await listed.json();
    assert.ok(products.length >= 8, `the demo shop's products: ${JSON.stringify(products)}`);
    const stocks = products.map((product) => product.stock);
    assert.deepEqual(stocks, [...stocks].sort((a, b) => a - b));
    assert.deepEqual(Object.keys(products[0]).sort(), ["id", "name", "sku", "stock"]);

    const [lowest] = products;
    const deliver = (key) =>
      route.POST(new Request("http://localhost:3000/api/products/low-stock", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ id: lowest.id, quantity: 12 }),
      }));
    const key = `delivery-${lowest.id}-${Date.now()}`;
    const booked = await deliver(key);
    assert.equal(booked.status, 200);
    assert.equal((await booked.json()).stock, lowest.stock + 12);
    assert.equal((await (await deliver(key)).json()).stock, lowest.stock + 12, "the retry is the same delivery");
    assert.equal((await (await deliver(`${key}-2`)).json()).stock, lowest.stock + 24, "another delivery counts");
  });

  it("hands Silo's refusals on as problem documents", async () => {
    const refused = await route.POST(new Request("http://localhost:3000/api/products/low-stock", {
      method: "POST",
      body: JSON.stringify({ id: "not-a-uuid", quantity: 1 }),
    }));
    assert.equal(refused.status, 400);
    assert.equal(refused.headers.get("Content-Type"), "application/problem+json");
    assert.equal((await refused.json()).type, "urn:silo:problem:invalid-id");
  });
});
