import type { Server } from 'node:http';
import { loadCatalog, syncCatalog, formatCourseError } from './courses';
import { openDatabase, PROJECT_ROOT, type Database } from './db';
import { resolveEncryptionKey, resolveSessionSecret, type Config } from './config';
import { createKeyring, createSecretBox } from './keys';
import { catchUpCompletions, registerLedgerListener } from './ledger';
import { applyApprovedActivities } from './ledger/activities';
import { findProfile, loadPolicyProfiles } from './ledger/policies';
import { createApp } from './web';
import { catchUpPassbacks, registerPassbackListener, startPassbackWorker } from './lti/passback';
import { catchUpCertificates, certificateSettingsFrom, registerCertificateListener, seedDefaultProgrammes } from './certificates';

export interface RunningServer {
  server: Server;
  database: Database;
  url: string;
  stop(): Promise<void>;
}

/**
 * Database → catalog → HTTP, in that order, so nothing is served before the catalog a learner
 * would see is in place.
 */
export async function startServer(config: Config, log: (line: string) => void): Promise<RunningServer> {
  const database = await openDatabase(config, log);
  log(`database: ${database.source} at ${database.displayUri}`);
  try {
    const catalog = loadCatalog(config.coursesDir, PROJECT_ROOT);
    for (const error of catalog.errors) log(`course error: ${formatCourseError(error)}`);
    const report = await syncCatalog(catalog);
    log(`catalog: ${report.published.length} published, ${report.unchanged.length} unchanged, ${report.conflicts.length} refused`);
    for (const conflict of report.conflicts) {
      log(`catalog: ${conflict} is already published with different content; bump its version to publish the change`);
    }
    registerLedgerListener();
    await catchUpCompletions(log);
    // After the ledger: a certificate names the ledger entry it certifies (issuing credits first anyway).
    const certificateSettings = certificateSettingsFrom(config);
    await seedDefaultProgrammes();
    registerCertificateListener(certificateSettings);
    await catchUpCertificates(certificateSettings, log);
    // Scores for the LMS gradebooks: queued per completion, sent by the worker started below.
    registerPassbackListener();
    await catchUpPassbacks(log);
    // Approved activities whose entries a crash interrupted are credited now.
    await applyApprovedActivities({ log });
    const { profiles, errors: profileErrors } = loadPolicyProfiles(undefined, PROJECT_ROOT);
    for (const error of profileErrors) log(`policy profile error: ${formatCourseError(error)}`);
    const policyProfile = findProfile(profiles, config.policyProfile);
    if (!policyProfile) throw new Error(`POLICY_PROFILE "${config.policyProfile}" is not one of: ${profiles.map((p) => p.id).join(', ')}`);
    const secretBox = createSecretBox(resolveEncryptionKey(config));
    const keyring = createKeyring(secretBox);
    // Created now rather than on the first launch, so /lti/jwks is never empty.
    await keyring.current();
    const app = createApp({
      baseUrl: config.baseUrl,
      trustProxy: config.trustProxy,
      secretBox,
      keyring,
      certificateSettings,
      policyProfile,
      dataDir: config.dataDir,
      sessionSecret: resolveSessionSecret(config),
      devLoginEnabled: config.devLoginEnabled,
      secureCookies: config.baseUrl.startsWith('https://'),
      log,
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    const passbackWorker = startPassbackWorker({ secretBox, keyring, clock: () => new Date(), log });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return {
      server,
      database,
      url: `http://localhost:${port}`,
      async stop() {
        await passbackWorker.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
