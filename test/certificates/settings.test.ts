import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { certificateSettingsFrom, DEFAULT_CERTIFICATE_SETTINGS } from '../../src/certificates';

describe('certificate settings', () => {
  it('default to the Shixun issuer and the SX prefix', () => {
    expect(DEFAULT_CERTIFICATE_SETTINGS).toEqual({ issuer: { name: '师训教师培训中心', prefix: 'SX' } });
  });

  it('come from the CERTIFICATE_* variables, the seal as an absolute path that must exist', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shixun-seal-'));
    const config = loadConfig({ CERTIFICATE_ISSUER_NAME: '滨江区教师发展中心', CERTIFICATE_NUMBER_PREFIX: 'BJ', CERTIFICATE_SEAL_IMAGE: 'seal.png' }, root);
    expect(() => certificateSettingsFrom(config)).toThrow(`CERTIFICATE_SEAL_IMAGE: no file at ${path.join(root, 'seal.png')}`);
    writeFileSync(path.join(root, 'seal.png'), 'not checked here');
    expect(certificateSettingsFrom(config)).toEqual({ issuer: { name: '滨江区教师发展中心', prefix: 'BJ' }, sealImagePath: path.join(root, 'seal.png') });
  });

  it.each([
    ['CERTIFICATE_NUMBER_PREFIX', 'sx-1'],
    ['CERTIFICATE_NUMBER_PREFIX', 'ABCDEFGHIJKLM'],
    ['CERTIFICATE_SEAL_IMAGE', 'seal.jpg'],
    ['CERTIFICATE_ISSUER_NAME', ' '],
  ])('refuse a bad %s (%p), naming it', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });
});
