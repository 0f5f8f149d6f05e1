import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../config';
import type { CertificateSettings } from './types';

/** Throws, naming the variable, when the seal image does not exist: found at start-up, not at the first download. */
export function certificateSettingsFrom(config: Pick<Config, 'certificateIssuerName' | 'certificateNumberPrefix' | 'certificateSealImage'>): CertificateSettings {
  if (config.certificateSealImage && !existsSync(config.certificateSealImage)) throw new Error(`CERTIFICATE_SEAL_IMAGE: no file at ${config.certificateSealImage}`);
  return {
    issuer: { name: config.certificateIssuerName, prefix: config.certificateNumberPrefix },
    ...(config.certificateSealImage ? { sealImagePath: config.certificateSealImage } : {}),
  };
}

/** What an unconfigured installation uses: the defaults of the CERTIFICATE_* variables. */
export const DEFAULT_CERTIFICATE_SETTINGS: CertificateSettings = certificateSettingsFrom(loadConfig({}));
