import path from 'node:path';
import MongoStore from 'connect-mongo';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import { engine } from 'express-handlebars';
import session from 'express-session';
import helmet from 'helmet';
import mongoose from 'mongoose';
import passport from 'passport';
import { csrfSync } from 'csrf-sync';
import { apiRoutes } from '../api';
import { jwksRoute, ltiLaunchRoutes } from '../lti';
import { consumerOrigins, lti11Routes, registerLti11Strategy } from '../lti/v11';
import { lti13AdminRoutes, lti13Routes, platformOrigins, registerLti13Strategy } from '../lti/v13';
import { deepLinkingRoutes } from '../lti/deep-linking';
import { rosterRoutes } from '../lti/roster';
import { createLtiSessions } from '../lti/session';
import { passbackAdminRoutes } from '../lti/passback';
import { PROJECT_ROOT } from '../db';
import { configurePassport } from './auth';
import { HttpError } from './http-error';
import { languageMiddleware } from './i18n';
import { devLoginRoutes } from './routes/dev-login';
import { devLmsRoutes } from './routes/dev-lms';
import { healthRoutes } from './routes/health';
import { learnerRoutes } from './routes/learn';
import { quizRoutes } from './routes/quiz';
import { trainerRoutes } from './routes/trainer';
import { registrarRoutes } from './routes/registrar';
import { registrarExportRoutes } from './routes/registrar-exports';
import { registrarActivityRoutes, registrarUploads } from './routes/registrar-activities';
import { adminPolicyRoutes } from './routes/admin-policies';
import { authoringRoutes, authoringUploads } from './routes/authoring';
import { interchangeRoutes, interchangeUploads } from './routes/authoring-interchange';
import { certificateRoutes } from './routes/certificates';
import type { PolicyProfile } from '../ledger/policies';
import type { Keyring, SecretBox } from '../keys';
import { sessionRoutes } from './routes/session';
import { staffSignInRoutes } from '../auth';
import { ltiAdminRoutes } from '../lti/admin';
import { viewHelpers } from './view-helpers';
import { credentialRoutes } from '../certificates/credentials';
import { DEFAULT_CERTIFICATE_SETTINGS } from '../certificates/settings';
import type { CertificateSettings } from '../certificates/types';

export type Clock = () => Date;

export interface AppOptions {
  sessionSecret: string;
  devLoginEnabled: boolean;
  /** Cookies marked Secure; true whenever the public URL is https. */
  secureCookies: boolean;
  log: (line: string) => void;
  /** Injected so tests can move time (time limits, cooldowns) without sleeping. */
  clock?: Clock;
  /** The requirement profile compliance is judged by. */
  policyProfile: PolicyProfile;
  /** Where exports and evidence files are kept. */
  dataDir: string;
  /** The public URL (no trailing slash): LTI configuration, verification links, credentials. */
  baseUrl: string;
  /** Express `trust proxy`, so a TLS-terminating proxy's X-Forwarded-* headers are believed. */
  trustProxy: boolean | number | string;
  secretBox: SecretBox;
  keyring: Keyring;
  /** Issuer name and number prefix (CERTIFICATE_* variables); the defaults when absent. */
  certificateSettings?: CertificateSettings;
}

const SESSION_TTL_SECONDS = 8 * 3600;
const SESSION_COOKIE = 'shixun.sid';

/** Call after mongoose has connected: sessions share its client. */
export function createApp(options: AppOptions): express.Express {
  const app = express();
  const viewsDir = path.join(PROJECT_ROOT, 'views');
  app.engine('hbs', engine({ extname: '.hbs', defaultLayout: 'main', layoutsDir: path.join(viewsDir, 'layouts'), partialsDir: path.join(viewsDir, 'partials'), helpers: viewHelpers }));
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);

  // Upgrading requests and HSTS only make sense when the tool is really served over https.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'form-action': ["'self'"], 'upgrade-insecure-requests': options.secureCookies ? [] : null },
      },
      strictTransportSecurity: options.secureCookies,
    }),
  );
  const clock = options.clock ?? (() => new Date());
  const ltiSessions = createLtiSessions({
    secretBox: options.secretBox,
    sessionSecret: options.sessionSecret,
    cookieName: SESSION_COOKIE,
    clock,
    frameOrigins: [consumerOrigins, platformOrigins],
  });
  app.use(ltiSessions.frameAncestors);
  app.use('/static', express.static(path.join(__dirname, 'public'), { maxAge: '1h' }));
  app.use(healthRoutes());
  // Token-authenticated and cookie-free, so it sits before sessions and CSRF.
  app.use('/api/v1', apiRoutes(options.policyProfile, clock));
  app.use(jwksRoute(options.keyring));
  // Open Badges credentials, their status lists and the issuer profile: public, for wallets and verifiers.
  app.use(credentialRoutes({ baseUrl: options.baseUrl, keyring: options.keyring, issuerName: (options.certificateSettings ?? DEFAULT_CERTIFICATE_SETTINGS).issuer.name, clock }));

  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(languageMiddleware);
  app.use(ltiSessions.restore);
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: options.sessionSecret,
      resave: false,
      saveUninitialized: false,
      // Inside an LMS iframe the cookie is third-party: over https it must say SameSite=None to be sent at all.
      cookie: { httpOnly: true, sameSite: options.secureCookies ? 'none' : 'lax', secure: options.secureCookies, maxAge: SESSION_TTL_SECONDS * 1000 },
      // FerretDB v1 has no TTL indexes, so expired sessions are swept by a timer instead.
      store: MongoStore.create({
        client: mongoose.connection.getClient(),
        collectionName: 'sessions',
        ttl: SESSION_TTL_SECONDS,
        autoRemove: 'interval',
        autoRemoveInterval: 10,
      }),
    }),
  );
  configurePassport({ devLoginEnabled: options.devLoginEnabled });
  registerLti11Strategy(options.secretBox, clock);
  registerLti13Strategy({ secretBox: options.secretBox, baseUrl: options.baseUrl, clock });
  app.use(passport.session());
  app.use(ltiSessions.carry);

  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  // LMS launches are cross-site posts proven by their signatures, so they come before CSRF.
  app.use(ltiLaunchRoutes(options.log, clock));
  app.use(lti13Routes({ baseUrl: options.baseUrl, clock }));
  app.use(registrarUploads());
  app.use(authoringUploads());
  app.use(interchangeUploads());
  app.use(csrfSynchronisedProtection);
  app.use((req, res, next) => {
    res.locals.user = req.user;
    res.locals.isTrainer = req.user?.roles.some((role) => role === 'trainer' || role === 'admin') ?? false;
    res.locals.isRegistrar = req.user?.roles.some((role) => role === 'registrar' || role === 'admin') ?? false;
    res.locals.isAdmin = req.user?.roles.includes('admin') ?? false;
    res.locals.devLoginEnabled = options.devLoginEnabled;
    res.locals.currentPath = req.path;
    res.locals.csrfToken = generateToken(req);
    next();
  });

  app.get('/', (_req, res) => res.redirect('/catalog'));
  app.use(sessionRoutes());
  app.use(ltiSessions.routes);
  app.use(passbackAdminRoutes(clock));
  app.use(staffSignInRoutes());
  app.use(ltiAdminRoutes({ baseUrl: options.baseUrl }));
  app.use(lti11Routes({ secretBox: options.secretBox, baseUrl: options.baseUrl, clock }));
  app.use(lti13AdminRoutes({ baseUrl: options.baseUrl, clock }));
  app.use(deepLinkingRoutes({ keyring: options.keyring, secretBox: options.secretBox, baseUrl: options.baseUrl, clock }));
  app.use(rosterRoutes({ keyring: options.keyring, clock }));
  if (options.devLoginEnabled) app.use(devLoginRoutes(), devLmsRoutes(options.secretBox, clock));
  app.use(learnerRoutes(clock, options.log));
  app.use(quizRoutes(clock, options.log));
  app.use(trainerRoutes());
  app.use(registrarRoutes(clock, options.policyProfile));
  app.use(registrarExportRoutes(clock, options.policyProfile, options.dataDir));
  app.use(registrarActivityRoutes(options.dataDir));
  app.use(adminPolicyRoutes(clock, options.policyProfile));
  app.use(authoringRoutes(clock));
  app.use(interchangeRoutes(clock, options.dataDir, options.log));
  app.use(certificateRoutes({ baseUrl: options.baseUrl, settings: options.certificateSettings ?? DEFAULT_CERTIFICATE_SETTINGS, clock, log: options.log }));

  app.use((_req, _res, next) => next(new HttpError(404, 'errors.notFoundTitle', 'errors.notFoundBody')));
  app.use(errorHandler(options.log));
  return app;
}

function errorHandler(log: (line: string) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = toHttpError(error);
    if (known.status >= 500) log(`error ${req.method} ${req.originalUrl}: ${(error as Error)?.stack ?? String(error)}`);
    res.status(known.status);
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: { status: known.status, message: res.locals.t?.(known.titleKey) ?? known.titleKey, details: known.details } });
      return;
    }
    if (!res.locals.t) {
      res.type('text/plain').send(`${known.status}`);
      return;
    }
    res.render('error', { status: known.status, titleKey: known.titleKey, bodyKey: known.bodyKey, details: known.details, signInHint: known.status === 401 });
  };
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const code = (error as { code?: string })?.code;
  if (code === 'EBADCSRFTOKEN') return new HttpError(403, 'errors.forbiddenTitle', 'errors.csrfBody');
  const status = (error as { status?: number; statusCode?: number })?.status ?? (error as { statusCode?: number })?.statusCode;
  if (status === 413) return new HttpError(413, 'errors.badRequestTitle');
  if (status && status >= 400 && status < 500) return new HttpError(status, 'errors.badRequestTitle');
  return new HttpError(500, 'errors.serverTitle', 'errors.serverBody');
}
