import mongoose, { Schema, Types } from 'mongoose';
import { z } from 'zod';

/**
 * A platform registration: one LMS (issuer) and the client id it gave Shixun, with the deployments
 * allowed to launch and the platform's endpoints. Unique by (issuer, client id); an LMS that
 * registers Shixun twice (two developer keys) has two registrations under one issuer.
 */
const platformSchema = new Schema(
  {
    issuer: { type: String, required: true },
    clientId: { type: String, required: true },
    deploymentIds: { type: [String], default: [] },
    authUrl: { type: String, required: true },
    tokenUrl: { type: String, required: true },
    jwksUrl: { type: String, required: true },
    name: { type: String, required: true },
    /** Extra origins the platform frames Shixun from, besides the issuer's and the auth endpoint's. */
    origins: { type: [String], default: [] },
    /** How it was registered: `admin`, `cli` or `dynamic`. */
    registeredBy: { type: String, required: true, enum: ['admin', 'cli', 'dynamic'] },
    createdAt: { type: Date, required: true },
  },
  { collection: 'lti_platforms', strict: 'throw', versionKey: false },
);
platformSchema.index({ issuer: 1, clientId: 1 }, { unique: true });

export const PlatformModel = mongoose.model('LtiPlatform', platformSchema);

export interface Platform {
  _id: Types.ObjectId;
  issuer: string;
  clientId: string;
  deploymentIds: string[];
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  name: string;
  origins: string[];
  registeredBy: 'admin' | 'cli' | 'dynamic';
  createdAt: Date;
}

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

/** What an admin (form, CLI) or dynamic registration provides; one schema for every way in. */
export const platformInputSchema = z.object({
  issuer: httpUrl,
  clientId: z.string().trim().min(1).max(255),
  deploymentIds: z.array(z.string().trim().min(1).max(255)),
  authUrl: httpUrl,
  tokenUrl: httpUrl,
  jwksUrl: httpUrl,
  name: z.string().trim().min(1).max(120).optional(),
  origins: z.array(z.string().transform((value, context) => originOf(value) ?? (context.addIssue({ code: 'custom', message: 'not an http(s) origin' }), z.NEVER))).optional(),
});
export type PlatformInput = z.input<typeof platformInputSchema>;

export class PlatformExistsError extends Error {
  constructor(readonly issuer: string, readonly clientId: string) {
    super(`a platform with issuer ${issuer} and client id ${clientId} is already registered`);
    this.name = 'PlatformExistsError';
  }
}

const DUPLICATE_KEY = 11000;

export class PlatformInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid platform registration: ${problems.join('; ')}`);
    this.name = 'PlatformInputError';
  }
}

/**
 * Registers a platform; a second registration of the same (issuer, client id) is refused, never
 * merged. Only dynamic registration may store one without a deployment yet (Canvas makes the
 * deployment after registering): launches are refused until an admin adds it.
 */
export async function addPlatform(input: PlatformInput, registeredBy: Platform['registeredBy'], now = new Date(), options: { allowNoDeployment?: boolean } = {}): Promise<Platform> {
  const result = platformInputSchema.safeParse(input);
  if (!result.success) throw new PlatformInputError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  const parsed = result.data;
  if (parsed.deploymentIds.length === 0 && !options.allowNoDeployment) throw new PlatformInputError(['deploymentIds: at least one deployment id']);
  try {
    const created = await PlatformModel.create({
      ...parsed,
      deploymentIds: [...new Set(parsed.deploymentIds)],
      name: parsed.name ?? new URL(parsed.issuer).host,
      origins: parsed.origins ?? [],
      registeredBy,
      createdAt: now,
    });
    return created.toObject() as Platform;
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) throw new PlatformExistsError(parsed.issuer, parsed.clientId);
    throw error;
  }
}

export async function listPlatforms(): Promise<Platform[]> {
  return PlatformModel.find().sort({ issuer: 1, clientId: 1 }).lean<Platform[]>();
}

export async function findPlatformsByIssuer(issuer: string): Promise<Platform[]> {
  return PlatformModel.find({ issuer }).lean<Platform[]>();
}

export async function findPlatformById(id: string): Promise<Platform | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return PlatformModel.findById(id).lean<Platform>();
}

/** Adds a deployment the platform made later (a new course or sub-account installing Shixun). */
export async function addDeployment(id: string, deploymentId: string): Promise<boolean> {
  const value = z.string().trim().min(1).max(255).safeParse(deploymentId);
  if (!value.success || !Types.ObjectId.isValid(id)) return false;
  return (await PlatformModel.updateOne({ _id: new Types.ObjectId(id) }, { $addToSet: { deploymentIds: value.data } })).matchedCount === 1;
}

export async function removePlatform(id: string): Promise<boolean> {
  if (!Types.ObjectId.isValid(id)) return false;
  return (await PlatformModel.deleteOne({ _id: new Types.ObjectId(id) })).deletedCount === 1;
}

/** `lti13:<issuer>|<client_id>`: the identity provider of people launched by this registration. */
export function providerOf(platform: Pick<Platform, 'issuer' | 'clientId'>): string {
  return `lti13:${platform.issuer}|${platform.clientId}`;
}

export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every origin a registered LTI 1.3 platform may frame Shixun from (CSP frame-ancestors): the
 * issuer's, the auth endpoint's and any extra origins the admin listed.
 */
export async function platformOrigins(): Promise<string[]> {
  const platforms = await PlatformModel.find({}, { issuer: 1, authUrl: 1, origins: 1 }).lean<Pick<Platform, 'issuer' | 'authUrl' | 'origins'>[]>();
  const origins = platforms.flatMap((platform) => [originOf(platform.issuer), originOf(platform.authUrl), ...platform.origins.map(originOf)]);
  return [...new Set(origins.filter((origin): origin is string => origin !== undefined))].sort();
}
