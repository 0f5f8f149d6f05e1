import type { Keyring, SecretBox } from '../../keys';
import { listLatestModulesFlat } from '../../courses';
import type { VerifiedLaunch } from '../launch';
import { buildContentItemSelectionResponse } from '../v11';
import { PlatformModel, type Platform } from '../v13/platforms';
import { buildDeepLinkingResponse, type FormPost, type PickedModule } from './response';

export class DeepLinkingError extends Error {
  constructor(readonly reason: 'no-selection' | 'unknown-module' | 'too-many' | 'platform-gone') {
    super(`deep linking: ${reason}`);
    this.name = 'DeepLinkingError';
  }
}

/** The catalog a trainer picks from: the newest version of every published module. */
function splitProvider(provider: string): { version: '1.1' | '1.3'; key: string } {
  return provider.startsWith('lti13:') ? { version: '1.3', key: provider.slice('lti13:'.length) } : { version: '1.1', key: provider.slice('lti11:'.length) };
}

async function platformOf(provider: string): Promise<Platform | null> {
  const { key } = splitProvider(provider);
  const bar = key.lastIndexOf('|');
  if (bar <= 0) return null;
  return PlatformModel.findOne({ issuer: key.slice(0, bar), clientId: key.slice(bar + 1) }).lean<Platform>();
}

/**
 * The answer to a pending deep-linking (1.3) or Content-Item (1.1) request: the picked modules,
 * signed for the LMS that asked, as a form the browser posts back to its return URL.
 */
export async function answerDeepLinking(
  launch: VerifiedLaunch,
  moduleIds: readonly string[],
  options: { keyring: Keyring; secretBox: SecretBox; baseUrl: string; language: 'zh-CN' | 'en'; now: Date },
): Promise<FormPost> {
  const settings = launch.deepLinking!;
  const wanted = [...new Set(moduleIds)];
  if (wanted.length === 0) throw new DeepLinkingError('no-selection');
  if (wanted.length > 1 && !settings.acceptMultiple) throw new DeepLinkingError('too-many');
  const catalog = new Map((await listLatestModulesFlat()).map((module) => [module.moduleId, module]));
  const items: PickedModule[] = wanted.map((moduleId) => {
    const module = catalog.get(moduleId);
    if (!module) throw new DeepLinkingError('unknown-module');
    const title = (options.language === 'en' ? module.title.en : undefined) ?? module.title['zh-CN'];
    return { moduleId, title, graded: Boolean(module.assessment), text: module.summary ? ((options.language === 'en' ? module.summary.en : undefined) ?? module.summary['zh-CN']) : undefined };
  });
  const launchUrl = `${options.baseUrl}/lti/launch`;

  if (launch.version === '1.1') {
    return buildContentItemSelectionResponse({
      secretBox: options.secretBox,
      consumerKey: splitProvider(launch.provider).key,
      returnUrl: settings.returnUrl,
      data: settings.data,
      items: items.map((item) => ({ ...item, url: launchUrl })),
      now: options.now,
    });
  }
  const platform = await platformOf(launch.provider);
  if (!platform || !launch.deploymentId) throw new DeepLinkingError('platform-gone');
  return buildDeepLinkingResponse({
    keyring: options.keyring,
    clientId: platform.clientId,
    issuer: platform.issuer,
    deploymentId: launch.deploymentId,
    returnUrl: settings.returnUrl,
    data: settings.data,
    launchUrl,
    items,
    now: options.now,
  });
}
