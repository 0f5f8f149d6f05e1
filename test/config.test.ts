import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('gives working defaults for development', () => {
    const config = loadConfig({}, '/srv/shixun');
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      baseUrl: 'http://localhost:3000',
      mongodbUri: undefined,
      mongodbDb: 'shixun',
      dataDir: path.resolve('/srv/shixun', 'data'),
      coursesDir: path.resolve('/srv/shixun', 'courses'),
      devLoginEnabled: true,
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        PORT: '8080',
        BASE_URL: 'https://shixun.example.edu.cn/',
        MONGODB_URI: 'mongodb://db.internal:27017/',
        MONGODB_DB: 'shixun_prod',
        SESSION_SECRET: 'x'.repeat(40),
        ENCRYPTION_KEY: 'k'.repeat(40),
        TRUST_PROXY: '1',
        DATA_DIR: '/var/lib/shixun',
        COURSES_DIR: '/opt/courses',
        POLICY_PROFILE: 'homeroom-40-class-hours',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      env: 'production',
      port: 8080,
      baseUrl: 'https://shixun.example.edu.cn',
      mongodbUri: 'mongodb://db.internal:27017/',
      mongodbDb: 'shixun_prod',
      sessionSecret: 'x'.repeat(40),
      encryptionKey: 'k'.repeat(40),
      trustProxy: 1,
      dataDir: '/var/lib/shixun',
      coursesDir: '/opt/courses',
      policyProfile: 'homeroom-40-class-hours',
      devLoginEnabled: false,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' }).port).toBe(3000);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://localhost/db' }, 'MONGODB_URI'],
    [{ BASE_URL: 'ftp://example.com' }, 'BASE_URL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET is required'],
    [{ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }, 'ENCRYPTION_KEY is required'],
    [{ ENCRYPTION_KEY: 'short' }, 'ENCRYPTION_KEY'],
    [{ TRUST_PROXY: 'yes please' }, 'TRUST_PROXY'],
    [{ MONGODB_DB: 'has space' }, 'MONGODB_DB'],
    [{ POLICY_PROFILE: '../etc/passwd' }, 'POLICY_PROFILE'],
  ])('rejects %j, naming %s', (env, expected) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(expected);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', MONGODB_URI: 'nope' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});
