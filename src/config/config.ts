import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting comes from the environment and is checked here, once, at start-up, so a typo
 * fails loudly before anything listens or writes.
 */
const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
    MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('shixun'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|\d+|[0-9a-fA-F.:/, ]+|loopback|linklocal|uniquelocal)$/, 'true, false, a hop count, or addresses/subnets')
      .default('false'),
    DATA_DIR: z.string().min(1).default('data'),
    COURSES_DIR: z.string().min(1).default('courses'),
    POLICY_PROFILE: z.string().regex(/^[a-z][a-z0-9-]*$/).default('default'),
    CERTIFICATE_ISSUER_NAME: z.string().trim().min(1).max(60).default('师训教师培训中心'),
    CERTIFICATE_NUMBER_PREFIX: z.string().regex(/^[A-Z0-9]{1,12}$/, 'capital letters and digits, at most 12').default('SX'),
    CERTIFICATE_SEAL_IMAGE: z.string().regex(/\.png$/i, 'must be the path of a PNG file').optional(),
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.SESSION_SECRET !== undefined, {
    message: 'SESSION_SECRET is required when NODE_ENV=production',
    path: ['SESSION_SECRET'],
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.ENCRYPTION_KEY !== undefined, {
    message: 'ENCRYPTION_KEY is required when NODE_ENV=production',
    path: ['ENCRYPTION_KEY'],
  });

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  baseUrl: string;
  mongodbUri: string | undefined;
  mongodbDb: string;
  /** Undefined outside production: the server then keeps a generated secret in dataDir. */
  sessionSecret: string | undefined;
  /** Undefined outside production: the server then keeps a generated key in dataDir. */
  encryptionKey: string | undefined;
  /** Express `trust proxy`: behind a TLS-terminating proxy, LTI signatures are checked against the public URL. */
  trustProxy: boolean | number | string;
  dataDir: string;
  coursesDir: string;
  /** Which requirement profile (src/ledger/policies/profiles/<id>.yaml) compliance is judged by. */
  policyProfile: string;
  devLoginEnabled: boolean;
  /** Printed on certificates and frozen into each one at issue. */
  certificateIssuerName: string;
  /** Opens every certificate number (`SX-2026-…`). */
  certificateNumberPrefix: string;
  /** Absolute path of a PNG seal/logo printed on certificates; a drawn placeholder when unset. */
  certificateSealImage: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // Empty variables (`FOO= npm start`) mean "not set", as they do for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    mongodbUri: e.MONGODB_URI,
    mongodbDb: e.MONGODB_DB,
    sessionSecret: e.SESSION_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    dataDir: path.resolve(cwd, e.DATA_DIR),
    coursesDir: path.resolve(cwd, e.COURSES_DIR),
    policyProfile: e.POLICY_PROFILE,
    devLoginEnabled: e.NODE_ENV !== 'production',
    certificateIssuerName: e.CERTIFICATE_ISSUER_NAME,
    certificateNumberPrefix: e.CERTIFICATE_NUMBER_PREFIX,
    certificateSealImage: e.CERTIFICATE_SEAL_IMAGE && path.resolve(cwd, e.CERTIFICATE_SEAL_IMAGE),
  };
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
