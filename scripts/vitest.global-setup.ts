/**
 * vitest global setup: hands the test database's URLs to every test file (`inject("db")`).
 * Under `npm test` the database is already prepared (TEST_*_URL); when vitest runs on its own
 * it prepares one here, so `npx vitest` works too.
 */
import type { TestProject } from "vitest/node";
import { prepareTestDatabase, type TestDatabase } from "./testdb.ts";

// One database for the whole run, even if vitest runs this setup more than once (once per project
// when a config has several), in the same process.
const shared = globalThis as { guildbankTestDb?: Promise<TestDatabase>; guildbankTestDbUsers?: number };

export async function setup(project: TestProject): Promise<void> {
  let urls = {
    root: process.env.TEST_ROOT_URL ?? "",
    owner: process.env.TEST_OWNER_URL ?? "",
    authenticator: process.env.TEST_AUTHENTICATOR_URL ?? "",
    pgtap: process.env.TEST_PGTAP_URL ?? "",
    template: process.env.TEST_TEMPLATE_URL ?? "",
  };
  if (!urls.root) {
    shared.guildbankTestDbUsers = (shared.guildbankTestDbUsers ?? 0) + 1;
    shared.guildbankTestDb ??= prepareTestDatabase(process.env.TEST_DATABASE_NAME ?? "guildbank_test_vitest");
    urls = (await shared.guildbankTestDb).urls;
  }
  project.provide("db", urls);
}

export async function teardown(): Promise<void> {
  if (!shared.guildbankTestDb || --shared.guildbankTestDbUsers! > 0) return;
  await (await shared.guildbankTestDb).embedded?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    db: { root: string; owner: string; authenticator: string; pgtap: string; template: string };
  }
}
