import { openDatabase } from '../db';
import { addPlatform, createRegistrationUrl, listPlatforms, PlatformExistsError, PlatformInputError } from '../lti/v13';
import type { CliContext } from './context';

const ADD_USAGE =
  'usage: shixun lti add-platform --issuer URL --client-id ID --deployment-id ID [--deployment-id ID]… --auth-url URL --token-url URL --jwks-url URL [--name N] [--origin URL]…';

export interface AddPlatformOptions {
  issuer?: string;
  'client-id'?: string;
  'deployment-id'?: string[];
  'auth-url'?: string;
  'token-url'?: string;
  'jwks-url'?: string;
  name?: string;
  origin?: string[];
}

/** `shixun lti add-platform`: registers an LTI 1.3 platform (issuer + client id), as the admin page does. */
export async function addPlatformCommand(context: CliContext, options: AddPlatformOptions): Promise<number> {
  const required = ['issuer', 'client-id', 'deployment-id', 'auth-url', 'token-url', 'jwks-url'] as const;
  const missing = required.filter((name) => !options[name] || (Array.isArray(options[name]) && options[name].length === 0));
  if (missing.length > 0) {
    context.log(`missing ${missing.map((name) => `--${name}`).join(', ')}\n${ADD_USAGE}`);
    return 2;
  }
  const database = await openDatabase(context.config, context.log);
  try {
    const platform = await addPlatform(
      {
        issuer: options.issuer!,
        clientId: options['client-id']!,
        deploymentIds: options['deployment-id']!,
        authUrl: options['auth-url']!,
        tokenUrl: options['token-url']!,
        jwksUrl: options['jwks-url']!,
        name: options.name,
        origins: options.origin,
      },
      'cli',
    );
    context.log(`LTI 1.3 platform ${platform.name} registered: issuer ${platform.issuer}, client id ${platform.clientId}, deployments ${platform.deploymentIds.join(' ')}`);
    context.log(`tool URLs for the platform: login ${context.config.baseUrl}/lti/login, launch ${context.config.baseUrl}/lti/launch, keys ${context.config.baseUrl}/lti/jwks`);
    context.out(platform._id.toHexString());
    return 0;
  } catch (error) {
    if (error instanceof PlatformExistsError) {
      context.log(error.message);
      return 1;
    }
    if (error instanceof PlatformInputError) {
      context.log(`${error.problems.join('\n')}\n${ADD_USAGE}`);
      return 2;
    }
    throw error;
  } finally {
    await database.close();
  }
}

/** `shixun lti list-platforms [--json]`: registrations with their endpoints. */
export async function listPlatformsCommand(context: CliContext, options: { json?: boolean }): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    const platforms = await listPlatforms();
    if (options.json) {
      context.out(
        JSON.stringify(
          platforms.map(({ _id, name, issuer, clientId, deploymentIds, authUrl, tokenUrl, jwksUrl, origins, registeredBy, createdAt }) => ({
            id: _id.toHexString(),
            name,
            issuer,
            clientId,
            deploymentIds,
            authUrl,
            tokenUrl,
            jwksUrl,
            origins,
            registeredBy,
            createdAt,
          })),
        ),
      );
      return 0;
    }
    for (const platform of platforms) {
      context.out(`${platform._id.toHexString()}  ${platform.name}  issuer ${platform.issuer}  client ${platform.clientId}  deployments ${platform.deploymentIds.join(',') || '(none)'}`);
    }
    if (platforms.length === 0) context.log('no LTI 1.3 platforms yet: shixun lti add-platform … or shixun lti registration-url');
    return 0;
  } finally {
    await database.close();
  }
}

/** `shixun lti registration-url`: a one-time dynamic registration URL for an LMS admin to paste. */
export async function registrationUrlCommand(context: CliContext): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    const invite = await createRegistrationUrl(context.config.baseUrl, 'cli', new Date());
    context.log(`valid once, until ${invite.expiresAt.toISOString()}:`);
    context.out(invite.url);
    return 0;
  } finally {
    await database.close();
  }
}
