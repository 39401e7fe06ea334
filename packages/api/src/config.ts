import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Twenty a second, sustained over a minute: far above a person's or a batching service's. */
export const DEFAULT_RATE_LIMIT = 1200;

/** Every setting the server reads; anything else starting with these names is a typo. */
const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  /** Where export and purge archives are written. Default: DATA_DIR/archives. */
  ARCHIVE_DIR: z.string().min(1).optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /**
   * The Ed25519 key that signs the seal chain: PKCS#8 PEM, or the base64 of its 32-byte seed.
   * Default: DATA_DIR/signing-key.pem, created on first start. Never logged.
   */
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  /** Requests a minute one caller (token, session, or else address) may make; 0: no limit. */
  RATE_LIMIT: z.coerce.number().int().min(0).default(DEFAULT_RATE_LIMIT),
});

export type Config = z.infer<typeof configSchema>;

/** Names that look like ours but are not: refused so a misspelt setting is not silently ignored. */
const OUR_PREFIXES = ['AUDIT_', 'PGLITE_'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const unknown = Object.keys(env).filter((name) =>
    OUR_PREFIXES.some((prefix) => name.startsWith(prefix)),
  );
  const problems: string[] = unknown.map((name) => `${name}: unknown setting`);
  // An empty variable means "not set" (e.g. `DATABASE_URL= pnpm start`).
  const present = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((name) => {
      const value = env[name];
      return value === undefined || value === '' ? [] : [[name, value]];
    }),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
