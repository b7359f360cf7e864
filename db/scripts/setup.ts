/**
 * `npm run db:setup`: creates the roles and the database (needs ROOT_DATABASE_URL), then
 * applies the committed migrations as the owner.
 *
 * Environment: ROOT_DATABASE_URL (superuser), DATABASE_NAME (default `guildbank`),
 * DATABASE_OWNER_PASSWORD, DATABASE_AUTHENTICATOR_PASSWORD (optional).
 */
import { z } from "zod";
import { env, parseConfig } from "@guildbank/lib";
import { deriveUrls, migrateDatabase, setupDatabase } from "./index.ts";

const config = parseConfig(
  z.object({
    ROOT_DATABASE_URL: env.postgresUrl(),
    DATABASE_NAME: z.string().regex(/^[a-z_][a-z0-9_]*$/, "letters, digits and _ only").default("guildbank"),
    DATABASE_OWNER_PASSWORD: z.string().optional(),
    DATABASE_AUTHENTICATOR_PASSWORD: z.string().optional(),
  }),
);
const passwords = { owner: config.DATABASE_OWNER_PASSWORD, authenticator: config.DATABASE_AUTHENTICATOR_PASSWORD };
await setupDatabase(config.ROOT_DATABASE_URL, config.DATABASE_NAME, passwords);
await migrateDatabase(deriveUrls(config.ROOT_DATABASE_URL, config.DATABASE_NAME, passwords));
console.log(`database ${config.DATABASE_NAME} is set up and migrated`);
