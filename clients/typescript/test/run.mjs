// Starts a Silo for the tests (`./silo serve --demo` on a free port, a temporary data directory),
// runs every test file with Node's test runner against it (SILO_URL), and stops it.
// SILO_URL set already: the tests run against that Silo instead, which must have the demo loaded.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function until(what, deadlineMs, check) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`Silo did not ${what} within ${deadlineMs / 1000} s`);
    await new Promise((wake) => setTimeout(wake, 500));
  }
}

function runTests(env) {
  return new Promise((done) => {
    const files = ["client.test.mjs", "nextjs-guide.test.mjs"].map((file) => join(here, file));
    const tests = spawn(process.execPath, ["--test", ...files], { stdio: "inherit", env });
    tests.on("exit", (code) => done(code ?? 1));
  });
}

let silo;
let dataDir;
let log;
let code = 1;
try {
  let url = process.env.SILO_URL;
  if (!url) {
    const port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), "silo-ts-"));
    log = join(dataDir, "silo.log");
    const out = openSync(log, "a");
    silo = spawn(join(root, "silo"), ["serve", "--demo"], {
      cwd: root,
      detached: true, // its own process group: stopped whole below
      stdio: ["ignore", out, out],
      env: {
        ...process.env,
        SILO_HTTP_PORT: String(port),
        SILO_DATA_DIR: join(dataDir, "data"),
        SILO_ADMIN_EMAIL: "admin@silo.test",
        SILO_ADMIN_PASSWORD: "test-admin-password",
      },
    });
    url = `http://127.0.0.1:${port}`;
    // the demo is loaded before the first sign-in of its accounts works
    await until("start and load the demo", 240_000, async () => {
      if (silo.exitCode !== null) throw new Error("exited");
      const response = await fetch(`${url}/api/auth/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ organization: "green-bottle-liquor", email: "owner@greenbottle.example.com", password: "owner123" }),
      });
      return response.status === 200;
    });
  }
  code = await runTests({ ...process.env, SILO_URL: url, SILO_ADMIN_EMAIL: "admin@silo.test", SILO_ADMIN_PASSWORD: "test-admin-password" });
} catch (error) {
  console.error(String(error));
  if (log) console.error(readFileSync(log, "utf8").split("\n").slice(-40).join("\n"));
} finally {
  if (silo && silo.exitCode === null) {
    const exited = new Promise((done) => silo.once("exit", done));
    process.kill(-silo.pid, "SIGTERM");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 20_000))]);
    if (silo.exitCode === null) process.kill(-silo.pid, "SIGKILL");
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
